/**
 * Every string the app shows, in Indonesian (the default) and English. Each area keeps its own
 * catalogue in messages/; an English catalogue must have exactly the Indonesian one's keys
 * (the type says so), and no key may be defined by two areas (a unit test says so).
 *
 * Placeholders are `{name}`; `t(key, { name })` fills them.
 */
import * as account from "./messages/account";
import * as admin from "./messages/admin";
import * as budgets from "./messages/budgets";
import * as common from "./messages/common";
import * as dashboards from "./messages/dashboards";
import * as operations from "./messages/operations";
import * as portal from "./messages/portal";
import * as problems from "./messages/problems";
import * as registers from "./messages/registers";
import * as workspace from "./messages/workspace";

export const AREAS = {
  common, problems, account, portal, workspace, dashboards, budgets, registers, operations, admin,
} as const;

export type Language = "id" | "en";
export const LANGUAGES: readonly Language[] = ["id", "en"];

export const MESSAGES = {
  id: {
    ...common.id, ...problems.id, ...account.id, ...portal.id, ...workspace.id,
    ...dashboards.id, ...budgets.id, ...registers.id, ...operations.id, ...admin.id,
  },
  en: {
    ...common.en, ...problems.en, ...account.en, ...portal.en, ...workspace.en,
    ...dashboards.en, ...budgets.en, ...registers.en, ...operations.en, ...admin.en,
  },
} as const;

export type MessageKey = keyof typeof MESSAGES.id;
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function translator(language: Language): Translate {
  const catalogue: Record<string, string> = MESSAGES[language];
  return (key, params) => {
    const text = catalogue[key] ?? MESSAGES.id[key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}
