/**
 * The workspace areas beyond the inbox (dashboards, budgets, registers, operations,
 * administration): each area's routes.tsx says its pages and its entries in the header, so an
 * area grows without touching the router or the frame.
 */
import type { User } from "../api/types";
import type { MessageKey } from "../i18n/catalogue";

export type NavEntry = {
  to: string;
  label: MessageKey;
  /** Shown to this person? (A page still checks access itself: the API answers 403.) */
  shownTo: (me: User) => boolean;
};
