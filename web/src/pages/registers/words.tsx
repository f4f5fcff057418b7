/** The registers' words for the API's values, and the badges that show them. */
import { useCallback } from "react";
import type { MessageKey } from "../../i18n/catalogue";
import { useI18n } from "../../i18n/I18n";
import type { components } from "../../api/schema";
import type { DamStatus, ReadingColumn, RegulationStatus, RegulationType, Threshold } from "./model";

type Schemas = components["schemas"];

const DAM_STATUS: Record<string, MessageKey> = {
  design: "dams.status.design",
  construction: "dams.status.construction",
  impoundment: "dams.status.impoundment",
  operating: "dams.status.operating",
  decommissioned: "dams.status.decommissioned",
} satisfies Record<DamStatus, MessageKey>;
const DAM_TYPE: Record<string, MessageKey> = {
  earthfill: "dams.type.earthfill",
  rockfill: "dams.type.rockfill",
  concrete: "dams.type.concrete",
  composite: "dams.type.composite",
  other: "dams.type.other",
} satisfies Record<Schemas["CreateDamRequest"]["type"], MessageKey>;
const PURPOSE: Record<string, MessageKey> = {
  irrigation: "dams.purpose.irrigation",
  water_supply: "dams.purpose.water_supply",
  hydropower: "dams.purpose.hydropower",
  flood_control: "dams.purpose.flood_control",
  fisheries: "dams.purpose.fisheries",
  tourism: "dams.purpose.tourism",
  other: "dams.purpose.other",
} satisfies Record<Schemas["CreateDamRequest"]["purposes"][number], MessageKey>;
const HAZARD: Record<string, MessageKey> = {
  low: "dams.hazard.low",
  medium: "dams.hazard.medium",
  high: "dams.hazard.high",
  very_high: "dams.hazard.very_high",
} satisfies Record<Schemas["CreateDamRequest"]["hazard_class"], MessageKey>;
const SEVERITY: Record<string, MessageKey> = {
  low: "dams.severity.low",
  medium: "dams.severity.medium",
  high: "dams.severity.high",
  critical: "dams.severity.critical",
} satisfies Record<Schemas["FindingIn"]["severity"], MessageKey>;
const INSPECTION_KIND: Record<string, MessageKey> = {
  routine: "dams.inspection.kind.routine",
  periodic: "dams.inspection.kind.periodic",
  special: "dams.inspection.kind.special",
} satisfies Record<Schemas["InspectionRequest"]["kind"], MessageKey>;
const FOLLOW_UP: Record<string, MessageKey> = {
  open: "dams.followup.open",
  in_progress: "dams.followup.in_progress",
  done: "dams.followup.done",
} satisfies Record<Schemas["FollowUpIn"]["status"], MessageKey>;
const OBLIGATION: Record<string, MessageKey> = {
  open: "dams.obligation.open",
  overdue: "dams.obligation.overdue",
  met: "dams.obligation.met",
} satisfies Record<Schemas["ObligationOut"]["status"], MessageKey>;
const EVERY: Record<string, MessageKey> = {
  month: "dams.every.month",
  quarter: "dams.every.quarter",
  year: "dams.every.year",
} satisfies Record<NonNullable<Schemas["CreateDamRequest"]["monitoring_every"]>, MessageKey>;
const CHANGE: Record<string, MessageKey> = {
  registered: "dams.change.registered",
  edited: "dams.change.edited",
  status: "dams.change.status",
  document_added: "dams.change.document_added",
  document_accepted: "dams.change.document_accepted",
  document_rejected: "dams.change.document_rejected",
  inspection_recorded: "dams.change.inspection_recorded",
} satisfies Record<Schemas["DamChangeOut"]["action"], MessageKey>;
const DOCUMENT_KIND: Record<string, MessageKey> = {
  drawing: "dams.document.drawing",
  study: "dams.document.study",
  as_built_report: "dams.document.as_built_report",
  inspection_photo: "dams.document.inspection_photo",
  other: "dams.document.other",
} satisfies Record<Schemas["DamDocumentRequest"]["kind"], MessageKey>;
const READING: Record<string, MessageKey> = {
  level_m: "dams.reading.level_m",
  inflow_m3s: "dams.reading.inflow_m3s",
  outflow_m3s: "dams.reading.outflow_m3s",
  rainfall_mm: "dams.reading.rainfall_mm",
  seepage_ls: "dams.reading.seepage_ls",
} satisfies Record<ReadingColumn, MessageKey>;
const BAND: Record<string, MessageKey> = {
  waspada: "dams.band.waspada",
  siaga: "dams.band.siaga",
  awas: "dams.band.awas",
} satisfies Record<"waspada" | "siaga" | "awas", MessageKey>;
const REG_TYPE: Record<string, MessageKey> = {
  law: "library.type.law",
  government_regulation: "library.type.government_regulation",
  ministerial_regulation: "library.type.ministerial_regulation",
  circular: "library.type.circular",
  guideline: "library.type.guideline",
  standard: "library.type.standard",
} satisfies Record<RegulationType, MessageKey>;
const REG_STATUS: Record<string, MessageKey> = {
  in_force: "library.status.in_force",
  amended: "library.status.amended",
  revoked: "library.status.revoked",
} satisfies Record<RegulationStatus, MessageKey>;

export const WORDS = {
  damStatus: DAM_STATUS, damType: DAM_TYPE, purpose: PURPOSE, hazard: HAZARD, severity: SEVERITY,
  inspectionKind: INSPECTION_KIND, followUp: FOLLOW_UP, obligation: OBLIGATION, every: EVERY, change: CHANGE,
  documentKind: DOCUMENT_KIND, reading: READING, band: BAND, regulationType: REG_TYPE, regulationStatus: REG_STATUS,
} as const;

/** A value in words: its catalogue entry, or the value itself when the API sent a new one. */
export function useWord() {
  const { t } = useI18n();
  return useCallback(
    (kind: keyof typeof WORDS, value: string | null | undefined): string => {
      if (value === null || value === undefined || value === "") return "—";
      const key = WORDS[kind][value];
      return key ? t(key) : value;
    },
    [t],
  );
}

/** A dam's level thresholds as one line ("Waspada 68,5 m · Siaga 70 m"); empty when none. */
export function useThresholdWords() {
  const word = useWord();
  const { number } = useI18n();
  return useCallback(
    (lines: Threshold[]): string => lines.map((line) => `${word("band", line.band)} ${number(line.level)} m`).join(" · "),
    [word, number],
  );
}

// The badge colours already in the stylesheet: green for good, amber for in between, red for late.
const TONE: Record<string, string> = {
  operating: "badge-sla-on_time",
  in_force: "badge-sla-on_time",
  met: "badge-sla-on_time",
  done: "badge-sla-on_time",
  construction: "badge-status-in_review",
  impoundment: "badge-status-in_review",
  design: "badge-status-draft",
  in_progress: "badge-status-in_review",
  open: "badge-status-draft",
  amended: "badge-sla-due_soon",
  high: "badge-sla-due_soon",
  medium: "badge-status-in_review",
  low: "badge-status-draft",
  decommissioned: "badge-status-withdrawn",
  overdue: "badge-sla-overdue",
  revoked: "badge-sla-overdue",
  very_high: "badge-sla-overdue",
  critical: "badge-sla-overdue",
};

export function Badge({ kind, value }: { kind: keyof typeof WORDS; value: string | null | undefined }) {
  const word = useWord();
  if (!value) return <span className="meta">—</span>;
  return <span className={`badge ${TONE[value] ?? "badge-status-draft"}`}>{word(kind, value)}</span>;
}

/** How a regulation is cited: "Undang-Undang Nomor 17 Tahun 2019"; a number that carries its year
 * (SNI 3432:2020, 27/PRT/M/2015) is cited as it is. */
export function useCitation() {
  const { t } = useI18n();
  const word = useWord();
  return useCallback(
    (entry: { type: string; number: string; year: number }) =>
      entry.number.includes(String(entry.year))
        ? t("library.cite_plain", { type: word("regulationType", entry.type), number: entry.number })
        : t("library.cite", { type: word("regulationType", entry.type), number: entry.number, year: entry.year }),
    [t, word],
  );
}
