/**
 * The dashboard's pure rules, kept apart from React so they are tested on their own: which
 * office is "mine", where the breadcrumb starts, months and periods, and the table a CSV is
 * made of.
 */

/** The roles that see an office's figures (chalicelib/domain/people.py FIGURES_ROLES). */
export const FIGURES_ROLES: readonly string[] = [
  "submitter", "verifier", "approver", "viewer", "budget_allocator", "budget_recommender", "admin", "mcot", "gm_sbp",
];

export interface Grant {
  role: string;
  node_id: string;
}

/** The offices whose figures the person sees, by the roles they hold (no duplicates). */
export function figureOffices(grants: readonly Grant[]): string[] {
  return [...new Set(grants.filter((g) => FIGURES_ROLES.includes(g.role)).map((g) => g.node_id))];
}

/** Of the person's offices (each with its root→office path), those not below another one. */
export function topOffices(paths: Record<string, readonly string[]>): string[] {
  const ids = Object.keys(paths);
  return ids.filter((id) => !ids.some((other) => other !== id && (paths[id] ?? []).slice(0, -1).includes(other)));
}

/**
 * The part of an office's path (root first) the person may open: from the highest office on it
 * where they see figures, down to the office itself. Nothing above their reach is asked for.
 */
export function reachablePath(path: readonly string[], mine: readonly string[]): string[] {
  const start = path.findIndex((id) => mine.includes(id));
  return start < 0 ? path.slice(-1) : path.slice(start);
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(value: string | null | undefined): value is string {
  if (!value) return false;
  const match = PERIOD.exec(value);
  return !!match && Number(match[1]) >= 2000 && Number(match[1]) <= 2100;
}

/** This month in WIB (YYYY-MM), the period a dashboard opens on. */
export function currentPeriod(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Jakarta", year: "numeric", month: "2-digit" })
    .formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}`;
}

/** A month as people say it ("Des 2026" / "Dec 2026"). */
export function monthLabel(period: string, language: "id" | "en"): string {
  const match = PERIOD.exec(period);
  if (!match) return period;
  const when = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  return new Intl.DateTimeFormat(language === "en" ? "en-GB" : "id-ID", { month: "short", year: "numeric", timeZone: "UTC" })
    .format(when);
}

/**
 * The time the figures are counted up to, to the second, in WIB: the counters follow the changes
 * by a few seconds (counted from the table's stream), so minutes alone would not say it.
 */
export function countedClock(iso: string | null | undefined, language: "id" | "en"): string | null {
  if (!iso) return null;
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return null;
  const clock = new Intl.DateTimeFormat(language === "en" ? "en-GB" : "id-ID", {
    day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    timeZone: "Asia/Jakarta",
  }).format(when);
  return `${clock} WIB`;
}

/** A table as shown: its headers and, per row, each cell's text. */
export interface ShownTable {
  headers: string[];
  rows: string[][];
}

/** A spreadsheet cell that is never a formula (office names come from people: CSV injection). */
export function csvCell(text: string): string {
  // A negative number or sum of money ("-Rp 1.000", over budget) is a figure, not a formula.
  const figure = /^[-+]?(Rp\s)?\d[\d.,]*%?$/.test(text);
  const safe = /^[=+\-@\t\r]/.test(text) && !figure ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV of a table exactly as shown: the same headers, rows and cell texts (CRLF, as RFC 4180). */
export function toCsv(table: ShownTable): string {
  return [table.headers, ...table.rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** A table's CSV with a byte-order mark, so Excel reads it as UTF-8. */
export function csvBlob(table: ShownTable): Blob {
  return new Blob(["\ufeff", toCsv(table)], { type: "text/csv;charset=utf-8" });
}
