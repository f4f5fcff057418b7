/** Pieces the applicant's and the staff's views of an application share. */
import { useEffect, useRef, useState, type ReactNode } from "react";
import { api, call } from "../../api/client";
import type { Application, DocumentItem, HistoryEntry, Service } from "../../api/types";
import { useI18n } from "../../i18n/I18n";
import { fromApiValue, type FieldSpec } from "../../forms/rules";

/** The comment of the decision that returned the application (what the applicant must fix). */
export function returnComment(history: HistoryEntry[]): string | null {
  const returned = [...history].reverse().find((entry) => entry.action === "return");
  return returned?.comment ?? null;
}

/** Documents of one requirement. */
export function documentsFor(documents: DocumentItem[], requirement: string): DocumentItem[] {
  return documents.filter((d) => d.requirement === requirement);
}

/** A form value as read on a page (not in an input). */
export function FieldValue({ spec, value }: { spec: FieldSpec; value: unknown }) {
  const { t, money, day, number } = useI18n();
  if (value === null || value === undefined || value === "") return <span className="meta">—</span>;
  switch (spec.type) {
    case "money":
      return <>{typeof value === "number" ? money(value) : String(value)}</>;
    case "number":
      return <>{typeof value === "number" ? number(value) : String(value)}</>;
    case "date":
      return <>{day(String(value))}</>;
    case "boolean":
      return <>{value === true ? t("common.yes") : t("common.no")}</>;
    case "long_text":
      return <span className="preserve-lines">{String(value)}</span>;
    default:
      return <>{String(fromApiValue(spec, value, money))}</>;
  }
}

/** One term and its value in a list of facts (`<dl className="facts">`). */
export function Fact({ term, children }: { term: ReactNode; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function FormFacts({ service, app }: { service: Service; app: Application }) {
  const { t, pick } = useI18n();
  return (
    <dl className="facts">
      {service.fields.map((spec) => (
        <Fact key={spec.name} term={pick(spec.label, spec.label_en)}>
          <FieldValue spec={spec} value={app.data[spec.name]} />
          {app.masked_fields?.includes(spec.name) ? <span className="meta"> ({t("field.masked")})</span> : null}
        </Fact>
      ))}
    </dl>
  );
}

/**
 * Waits between looks at a file the scan is checking: 0.5 s, then twice as long each time, at
 * most 5 s. Most files are settled within a second or two and are seen at once; a slow scan
 * (GuardDuty takes its time) is not asked about every second, and the uploader is also told
 * by a notification when it ends.
 */
export function scanLookDelay(look: number): number {
  return Math.min(500 * 2 ** look, 5000);
}

/**
 * Poll while something is being worked on elsewhere (a file being checked, a PDF being made):
 * after `wait` ms (or `wait(look)` for the look-th wait, 0 first) while `active`, stopping when
 * it is not; the next time it is active the waits start over.
 */
export function usePolling(active: boolean, poll: () => Promise<void> | void, wait: number | ((look: number) => number) = scanLookDelay): void {
  const [tick, setTick] = useState(0);
  const looks = useRef(0);
  useEffect(() => {
    if (!active) {
      looks.current = 0;
      return;
    }
    const ms = typeof wait === "number" ? wait : wait(looks.current);
    const timer = window.setTimeout(async () => {
      looks.current += 1;
      await poll();
      setTick((n) => n + 1);
    }, ms);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active, tick]);
}

export async function loadDocuments(id: string): Promise<DocumentItem[]> {
  return (await call(api().GET("/applications/{id}/documents", { params: { path: { id } } }))).items;
}

export async function loadHistory(id: string): Promise<HistoryEntry[]> {
  return (await call(api().GET("/applications/{id}/history", { params: { path: { id } } }))).items;
}

/** A file the scan is still to settle: being checked, or posted so lately its scan may not have begun. */
export function stillChecking(documents: DocumentItem[], now: number = Date.now()): boolean {
  return documents.some(
    (d) =>
      d.status === "scanning" ||
      (d.status === "awaiting_upload" && d.upload_expires_at !== null && new Date(d.upload_expires_at).getTime() > now),
  );
}
