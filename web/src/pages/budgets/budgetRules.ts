/**
 * What the budget pages decide without the API: the month shown, who may do what at an office
 * (the API decides again and answers 404 to anyone else), and rupiah as people type them.
 */
import type { components } from "../../api/schema";
import type { User } from "../../api/types";
import { allRoles } from "../../auth/Auth";
import { parseRupiah } from "../../forms/rules";
import { todayInJakarta } from "../../i18n/format";
import type { Language } from "../../i18n/catalogue";

type Schemas = components["schemas"];
export type Budget = Schemas["BudgetOut"];
export type CategoryFigures = Schemas["CategoryOut"];
export type RecapEntry = Schemas["RecapEntryOut"];
export type RecapList = Schemas["RecapList"];
export type Report = Schemas["ReportOut"];

export const BUDGET_REQUEST_SERVICE = "marketing-fee-budget-request";
const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * Who sees "Anggaran" in the header: the budget roles, viewers, and the marketing-fee program's
 * own MCOT and GM SBP (their roles exist for this program only). Then the roles that read the
 * program's reports (the usage report and its recap).
 */
export const BUDGET_ROLES = ["budget_allocator", "budget_recommender", "viewer", "mcot", "gm_sbp"] as const;
const REPORT_READERS = ["submitter", "verifier", "approver", "admin", "budget_allocator", "budget_recommender", "mcot"];

/** This month in WIB, as YYYY-MM. */
export function currentPeriod(now: Date = new Date()): string {
  return todayInJakarta(now).slice(0, 7);
}

export function isPeriod(value: string): boolean {
  const match = PERIOD.exec(value);
  return !!match && Number(match[1]) >= 2000 && Number(match[1]) <= 2100;
}

/** "Desember 2026" / "December 2026". */
export function periodLabel(period: string, language: Language): string {
  const match = PERIOD.exec(period);
  if (!match) return period;
  const when = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  return new Intl.DateTimeFormat(language === "en" ? "en-GB" : "id-ID", { month: "long", year: "numeric", timeZone: "UTC" }).format(when);
}

function holds(me: User | null, roles: readonly string[], nodes: readonly string[]): boolean {
  return allRoles(me).some((r) => roles.includes(r.role) && nodes.includes(r.node_id));
}

/** An allocator (or a recommender dividing money held above) above the office: `path` runs root → office. */
export function mayAllocate(me: User | null, path: readonly string[]): boolean {
  return holds(me, ["budget_allocator", "budget_recommender"], path.slice(0, -1));
}

/** A recommender at the office or above. */
export function maySplit(me: User | null, path: readonly string[]): boolean {
  return holds(me, ["budget_recommender"], path);
}

/** Those who read the program's reports there: the usage report and its recap. */
export function readsReports(me: User | null, path: readonly string[]): boolean {
  return holds(me, REPORT_READERS, path);
}

/** A cluster's own staff, who request its budget. */
export function requestsBudget(me: User | null, nodeId: string): boolean {
  return holds(me, ["submitter"], [nodeId]);
}

/** The office a person's budgets open at: their first budget role's office. */
export function homeOffice(me: User | null): string | null {
  const found = allRoles(me).find((r) => (BUDGET_ROLES as readonly string[]).includes(r.role));
  return found?.node_id ?? null;
}

/** Over budget: more used than there is (a budget of none is never "over"). */
export function isOver(remaining: number | null | undefined): boolean {
  return typeof remaining === "number" && remaining < 0;
}

/** Rupiah as typed ("2.500.000", "Rp 2500000"), or null when it is not whole rupiah. */
export function readRupiah(text: string): number | null {
  const value = parseRupiah(text);
  return typeof value === "number" ? value : null;
}

/** A figure as typed back into a box: 2500000 → "2.500.000". */
export function typedRupiah(amount: number): string {
  return new Intl.NumberFormat("id-ID", { maximumFractionDigits: 0 }).format(amount);
}
