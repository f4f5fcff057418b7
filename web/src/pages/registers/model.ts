/**
 * The registers area's shapes (names for the generated schema's, never written by hand) and the
 * pure reckonings its pages share: what is overdue at a dam, a CSV file's rows beside the
 * problems the API named, the span of days a chart shows, the link to a map.
 */
import type { components } from "../../api/schema";
import { ApiError, fieldMessage, type FieldError } from "../../api/problems";
import type { Translate } from "../../i18n/catalogue";

type Schemas = components["schemas"];

export type Dam = Schemas["DamOut"];
export type DamList = Schemas["DamList"];
export type DamChange = Schemas["DamChangeOut"];
export type DamHistory = Schemas["DamHistoryOut"];
export type DamDocument = Schemas["DamDocumentOut"];
export type DamDocumentRequest = Schemas["DamDocumentRequest"];
export type InspectionList = Schemas["InspectionList"];
export type DamDocumentList = Schemas["DamDocumentList"];
export type RegulationList = Schemas["RegulationList"];
export type Inspection = Schemas["InspectionOut"];
export type InspectionRequest = Schemas["InspectionRequest"];
export type Recommendation = Schemas["RecommendationOut"];
export type Obligation = Schemas["ObligationOut"];
export type DamApplication = Schemas["DamApplicationOut"];
export type DamApplicationList = Schemas["DamApplicationList"];
export type Reading = Schemas["ReadingOut"];
export type ReadingRequest = Schemas["ReadingRequest"];
export type Regulation = Schemas["RegulationOut"];
export type RegulationSummary = Schemas["RegulationSummary"];
export type RegulationRequest = Schemas["RegulationRequest"];
export type RegulationType = RegulationSummary["type"];
export type RegulationStatus = RegulationSummary["status"];
export type DamStatus = NonNullable<Schemas["CreateDamRequest"]["status"]>;
export type FollowUpStatus = Schemas["FollowUpIn"]["status"];

export const DAM_STATUSES: readonly DamStatus[] = ["design", "construction", "impoundment", "operating", "decommissioned"];
export const REGULATION_TYPES: readonly RegulationType[] = [
  "law", "government_regulation", "ministerial_regulation", "circular", "guideline", "standard",
];
export const REGULATION_STATUSES: readonly RegulationStatus[] = ["in_force", "amended", "revoked"];
export const READING_COLUMNS = ["level_m", "inflow_m3s", "outflow_m3s", "rainfall_mm", "seepage_ls"] as const;
export type ReadingColumn = (typeof READING_COLUMNS)[number];
export const CSV_HEADER = ["date", ...READING_COLUMNS].join(",");

export interface Overdue {
  recommendations: number;
  obligations: number;
  /** The latest inspection's next due date, when it has passed. */
  inspectionDue: string | null;
  total: number;
}

/** What is overdue at a dam: recommendations not done past their date, monitoring reports
 * not sent in time, and the next inspection when its day has passed (`today` in WIB). */
export function overdueAt(inspections: readonly Inspection[], obligations: readonly Obligation[], today: string): Overdue {
  const recommendations = inspections.reduce((sum, i) => sum + i.recommendations.filter((r) => r.overdue).length, 0);
  const late = obligations.filter((o) => o.status === "overdue").length;
  const latest = [...inspections].sort((a, b) => b.date.localeCompare(a.date))[0];
  const inspectionDue = latest?.next_due && latest.next_due < today ? latest.next_due : null;
  return { recommendations, obligations: late, inspectionDue, total: recommendations + late + (inspectionDue ? 1 : 0) };
}

export interface CsvRow {
  /** The row's number in the file, the header being row 1 (as the API names them). */
  number: number;
  text: string;
  /** column ("" for the row as a whole) → what is wrong there, in the reader's words */
  problems: { column: string; message: string }[];
}

/**
 * A CSV file's lines beside the problems the API named ("row 3.level_m", "row 7"); blank lines
 * keep their number, as the API counts them. Problems not about a row ("body") are `general`.
 */
export function rowsWithProblems(
  text: string,
  problems: readonly { field: string; message: string }[],
): { rows: CsvRow[]; general: string[] } {
  const lines = text.replace(/^\ufeff/, "").split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const rows: CsvRow[] = lines.map((line, index) => ({ number: index + 1, text: line, problems: [] }));
  const general: string[] = [];
  for (const problem of problems) {
    const match = /^row (\d+)(?:\.(\w+))?$/.exec(problem.field);
    const row = match ? rows[Number(match[1]) - 1] : undefined;
    if (row && match) row.problems.push({ column: match[2] ?? "", message: problem.message });
    else general.push(problem.message);
  }
  return { rows, general };
}

/** The day `days` before `day` (YYYY-MM-DD, calendar arithmetic, no time zone). */
export function daysBefore(day: string, days: number): string {
  const [y, m, d] = day.split("-").map(Number);
  const when = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) - days));
  return when.toISOString().slice(0, 10);
}

/** Where a dam is on OpenStreetMap's own site (a link out: the page itself loads nothing from it). */
export function mapLink(lat: number, lon: number): string {
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=13/${lat}/${lon}`;
}

export type Threshold = { band: "waspada" | "siaga" | "awas"; level: number };

/** The level thresholds a dam sets, highest band last; none when it has none. */
export function levelThresholds(dam: Dam): Threshold[] {
  const raw = (dam.thresholds as { level_m?: Record<string, number> } | null)?.level_m;
  if (!raw) return [];
  return (["waspada", "siaga", "awas"] as const)
    .filter((band) => typeof raw[band] === "number")
    .map((band) => ({ band, level: raw[band] as number }));
}

/** Region codes as the register writes them (32.14.03) → the master data's keys (321403). */
export function regionKey(code: string | null | undefined): string {
  return (code ?? "").replace(/\./g, "");
}

/**
 * A field problem in the reader's words. The catalogues word the rules they know by `code`; the
 * register's own checks (a CSV row's cell, a range of days) come as the generic `invalid`, whose
 * `detail` the API says in the reader's language (chalicelib/domain/messages.py): that is shown.
 */
export function problemWords(error: FieldError, t: Translate): string {
  return error.code === "invalid" && error.detail ? error.detail : fieldMessage(error, t);
}

/** A failed request's field problems by field, in the reader's words (see problemWords). */
export function fieldWords(error: unknown, t: Translate): Record<string, string> {
  const found: Record<string, string> = {};
  if (!(error instanceof ApiError)) return found;
  for (const item of error.fieldErrors) {
    // The API names a list's item as `findings.0.text` (its schema) or `findings[0].text` (its rules).
    const field = item.field.replace(/\[(\d+)\]/g, ".$1");
    if (!(field in found)) found[field] = problemWords(item, t);
  }
  return found;
}
