/** What the admin pages share: the roles and their names, the section tabs, a yes/no confirmation. */
import { useEffect, useRef, useState, type ReactNode } from "react";
import { NavLink } from "react-router";
import type { components } from "../../api/schema";
import { useI18n } from "../../i18n/I18n";
import type { MessageKey } from "../../i18n/catalogue";

export type RoleName = components["schemas"]["Role"]["role"];

/** Every role the API grants (chalicelib/domain/people.py ROLES), in its order. */
export const ROLES: readonly RoleName[] = [
  "submitter", "verifier", "approver", "viewer", "budget_allocator", "budget_recommender", "admin", "ops",
  "finance", "hr", "mcot", "gm_sbp", "librarian", "dam_registrar", "dam_operator", "dam_inspector",
];

export function roleKey(role: string): MessageKey {
  return (ROLES as readonly string[]).includes(role) ? (`admin.role.${role}` as MessageKey) : "role.unknown";
}

/** The administration's sections, as links (each is a page of its own). */
export function AdminTabs() {
  const { t } = useI18n();
  return (
    <nav className="admin-tabs" aria-label={t("admin.tabs")}>
      <NavLink to="/admin/org">{t("admin.tab_org")}</NavLink>
      <NavLink to="/admin/subscriptions">{t("admin.tab_subscriptions")}</NavLink>
    </nav>
  );
}

/**
 * A change that cannot be undone, asked twice in the page itself (no `window.confirm`: it blocks
 * the page and cannot be styled or translated by us).
 */
export function ConfirmButton({ label, name, question, yes, onConfirm, busy }: {
  label: string;
  /** What the button does to whom, for a screen reader (a table of "Revoke" buttons says nothing). */
  name?: string;
  question: ReactNode;
  yes: string;
  onConfirm: () => void;
  busy?: boolean;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  // The focused button is swapped for the question and back: focus follows it, so the question
  // is read out and a cancel returns where the person was.
  useEffect(() => {
    if (asking) confirm.current?.focus();
    else if (wasAsking.current) opener.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      <button ref={opener} type="button" className="button-secondary" aria-label={name} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={name ?? label}>
      <span>{question}</span>{" "}
      <button ref={confirm} type="button" className="button-danger" disabled={busy} onClick={() => { setAsking(false); onConfirm(); }}>
        {yes}
      </button>{" "}
      <button type="button" className="button-secondary" onClick={() => setAsking(false)}>
        {t("admin.cancel")}
      </button>
    </span>
  );
}
