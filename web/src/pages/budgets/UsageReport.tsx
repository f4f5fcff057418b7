/**
 * The monthly usage report: asked for (POST /reports), then watched while it renders (GET
 * /reports/{id}, waiting longer after each answer that it is still pending), said in a live
 * region, and offered for download once ready.
 */
import { useEffect, useRef, useState } from "react";
import { api, call } from "../../api/client";
import { ProblemAlert } from "../../components/Feedback";
import { useI18n } from "../../i18n/I18n";
import type { Report } from "./budgetRules";

/** Waits between looks at a pending report: 1 s, 2 s, 4 s, then every 8 s. */
export function pollDelay(attempt: number): number {
  return Math.min(1000 * 2 ** attempt, 8000);
}

const GIVE_UP_AFTER = 40; // looks (about five minutes): the render function retries for less

export function UsageReport({ nodeId, period }: { nodeId: string; period: string }) {
  const { t } = useI18n();
  const [asked, setAsked] = useState<{ id: string; n: number } | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const timer = useRef<number | undefined>(undefined);

  // A new office or month: the report asked for belongs to the old one.
  useEffect(() => {
    setAsked(null);
    setReport(null);
    setError(null);
  }, [nodeId, period]);

  useEffect(() => {
    if (!asked) return;
    const reportId = asked.id;
    let live = true;
    let attempt = 0;
    async function look() {
      try {
        const found = await call(api().GET("/reports/{id}", { params: { path: { id: reportId } } }));
        if (!live) return;
        setReport(found);
        if (found.status === "pending" && attempt < GIVE_UP_AFTER) {
          timer.current = window.setTimeout(() => void look(), pollDelay(attempt));
          attempt += 1;
        }
      } catch (failure) {
        if (live) setError(failure);
      }
    }
    void look();
    return () => {
      live = false;
      window.clearTimeout(timer.current);
    };
  }, [asked]);

  async function ask() {
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const answer = await call(api().POST("/reports", { body: { kind: "budget-usage", node_id: nodeId, period } }));
      // The same figures give the same report: asking again watches it afresh.
      setAsked((last) => ({ id: answer.report_id, n: (last?.n ?? 0) + 1 }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const status = report?.status ?? (asked ? "pending" : null);
  return (
    <section className="card" aria-labelledby="report-heading">
      <h2 id="report-heading">{t("budgets.report")}</h2>
      <p className="meta">{t("budgets.report_lead")}</p>
      <button type="button" onClick={() => void ask()} disabled={busy || status === "pending"}>
        {t("budgets.report_request")}
      </button>
      <p role="status" aria-live="polite" className="budgets-report-status" data-status={status ?? ""}>
        {status === "pending" ? (
          <>
            <span className="spinner" aria-hidden="true" /> {t("budgets.report_pending")}
          </>
        ) : null}
        {status === "ready" ? t("budgets.report_ready") : null}
        {status === "failed" ? t("budgets.report_failed") : null}
      </p>
      {status === "ready" && report?.download_url ? (
        <p>
          <a href={report.download_url} className="button" download>
            {t("budgets.report_download", { pages: report.pages ?? "?" })}
          </a>
        </p>
      ) : null}
      <ProblemAlert error={error} />
    </section>
  );
}
