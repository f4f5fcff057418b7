/**
 * One application, for whoever may read it. The applicant sees where it stands, what was asked
 * of them, the receipt and the certificate; a decider of the current step also gets the
 * decision (approve, reject, return with a comment), suspend and resume, and the budget check.
 */
import { useEffect, useRef, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { loggedInPage } from "../../auth/loggedIn";
import { api, call } from "../../api/client";
import { ApiError, fieldErrorsUnder } from "../../api/problems";
import type { Application, DocumentItem, HistoryEntry, Service } from "../../api/types";
import { useAuth } from "../../auth/Auth";
import { SlaBadge, StatusBadge } from "../../components/Badges";
import { Loading, Notice, ProblemAlert } from "../../components/Feedback";
import { TextArea } from "../../components/Input";
import { Timeline } from "../../components/Timeline";
import { UploadSlot } from "../../components/UploadSlot";
import { useAsync } from "../../hooks/useAsync";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { loadService } from "../../services";
import { documentsFor, Fact, FormFacts, loadDocuments, loadHistory, returnComment, stillChecking, usePolling } from "./shared";

interface Loaded {
  app: Application;
  service: Service;
  documents: DocumentItem[];
  history: HistoryEntry[];
}

async function loadAll(id: string): Promise<Loaded> {
  const app = await call(api().GET("/applications/{id}", { params: { path: { id } } }));
  const [service, documents, history] = await Promise.all([loadService(app.service_id), loadDocuments(id), loadHistory(id)]);
  if (!service) throw new ApiError(404, null);
  return { app, service, documents, history };
}

interface Paper {
  pdf_status: string;
  download_url: string | null;
}

/** A PDF the render function makes (receipt, certificate): asked for again while it is being made. */
function usePaper<T extends Paper>(load: () => Promise<T>, deps: readonly unknown[]) {
  const paper = useAsync(load, deps);
  usePolling(paper.data?.pdf_status === "pending", paper.reload, 2000);
  return paper;
}

function PaperDownload({ paper, label }: { paper: Paper; label: string }) {
  const { t } = useI18n();
  if (paper.pdf_status === "failed") return <p className="field-error">{t("application.pdf_failed", { paper: label })}</p>;
  if (!paper.download_url) return <p className="loading">{t("application.pdf_pending", { paper: label })}</p>;
  return (
    <a className="button-secondary" href={paper.download_url} rel="noopener">
      {t("application.download", { paper: label })}
    </a>
  );
}

function ReceiptDownload({ app }: { app: Application }) {
  const { t } = useI18n();
  const receipt = usePaper(() => call(api().GET("/applications/{id}/receipt", { params: { path: { id: app.id } } })), [app.id, app.version]);
  if (receipt.error) return <ProblemAlert error={receipt.error} />;
  return receipt.data ? <PaperDownload paper={receipt.data} label={t("application.receipt")} /> : null;
}

function CertificateCard({ app }: { app: Application }) {
  const { t, dateTime } = useI18n();
  const certificate = usePaper(
    () => call(api().GET("/applications/{id}/certificate", { params: { path: { id: app.id } } })),
    [app.id, app.version],
  );
  const found = certificate.data;
  if (!found) return <ProblemAlert error={certificate.error} />;
  return (
    <section className="card" aria-labelledby="certificate-heading">
      <h2 id="certificate-heading">{t("application.certificate")}</h2>
      <dl className="facts">
        <Fact term={t("verify.number")}>{found.number}</Fact>
        <Fact term={t("verify.issued")}>{dateTime(found.issued_at)}</Fact>
        <Fact term={t("verify.code_label")}><Link to={`/verify/${found.code}`}>{found.code}</Link></Fact>
      </dl>
      {found.status === "revoked" ? <Notice kind="warning">{t("verify.revoked")}</Notice> : null}
      <PaperDownload paper={found} label={t("application.certificate_paper")} />
    </section>
  );
}

function BudgetCheck({ app }: { app: Application }) {
  const { t, money } = useI18n();
  const check = app.budget_now ?? app.budget_check;
  if (!check) return null;
  return (
    <section className={`card budget-check${check.over ? " over" : ""}`} aria-labelledby="budget-heading">
      <h2 id="budget-heading">{t("budget.title")}</h2>
      <dl className="facts">
        <Fact term={t("budget.category")}>{check.category}</Fact>
        <Fact term={t("budget.period")}>{check.period}</Fact>
        <Fact term={t("budget.amount")}>{money(check.amount)}</Fact>
        <Fact term={t("budget.available")}>{check.available === null || check.available === undefined ? t("budget.no_budget") : money(check.available)}</Fact>
      </dl>
      {check.over ? <p className="field-error">{t("budget.over")}</p> : <p>{t("budget.within")}</p>}
    </section>
  );
}

type Action = "approve" | "reject" | "return";

function DecisionPanel({ app, onDecided, onStale }: { app: Application; onDecided: (app: Application) => void; onStale: () => Promise<void> }) {
  const { t, pick, dateTime } = useI18n();
  const [action, setAction] = useState<Action>("approve");
  const [comment, setComment] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [errorContext, setErrorContext] = useState<"decision" | "general">("general");
  const [busy, setBusy] = useState(false);
  const step = app.current_step;
  if (!step || app.step === null) return null;

  async function run(request: () => Promise<Application>, context: "decision" | "general") {
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      onDecided(await request());
      setComment("");
      setReason("");
    } catch (failure) {
      setErrors(fieldErrorsUnder(failure, "", t));
      if (failure instanceof ApiError && failure.status === 409) {
        await onStale();
        return;
      }
      setErrorContext(context);
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  function decide() {
    if (action !== "approve" && !comment.trim()) {
      setErrors({ comment: t("decision.comment_required") });
      return;
    }
    void run(
      () =>
        call(
          api().POST("/applications/{id}/decision", {
            params: { path: { id: app.id } },
            body: { action, step: app.step as number, comment: comment.trim() || null },
          }),
        ),
      "decision",
    );
  }

  function suspend() {
    if (!reason.trim()) {
      setErrors({ reason: t("decision.reason_required") });
      return;
    }
    void run(() => call(api().POST("/applications/{id}/suspend", { params: { path: { id: app.id } }, body: { reason: reason.trim() } })), "decision");
  }

  return (
    <section className="card decision" aria-labelledby="decision-heading">
      <h2 id="decision-heading">{t("decision.title", { step: pick(step.label, step.label_en) })}</h2>
      <p className="meta">
        <SlaBadge state={app.sla_state} dueAt={app.due_at} /> {app.due_at ? t("decision.due", { when: dateTime(app.due_at) }) : null}
      </p>
      <ProblemAlert error={error} context={errorContext} />
      {app.suspended ? (
        <>
          <Notice kind="warning">
            {t("decision.suspended_since", { when: dateTime(app.suspended_at) })} {app.suspension_reason}
          </Notice>
          <button
            type="button"
            disabled={busy}
            onClick={() => void run(() => call(api().POST("/applications/{id}/resume", { params: { path: { id: app.id } } })), "decision")}
          >
            {t("decision.resume")}
          </button>
        </>
      ) : (
        <>
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              decide();
            }}
          >
            <fieldset>
              <legend>{t("decision.action")}</legend>
              {(["approve", "return", "reject"] as const).map((choice) => (
                <div className="radio" key={choice}>
                  <input type="radio" id={`action-${choice}`} name="action" value={choice} checked={action === choice} onChange={() => setAction(choice)} />
                  <label htmlFor={`action-${choice}`}>{t(`decision.${choice}`)}</label>
                </div>
              ))}
            </fieldset>
            <TextArea
              label={action === "approve" ? t("decision.comment_optional") : t("decision.comment")}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              rows={3}
              maxLength={2000}
              required={action !== "approve"}
              error={errors.comment}
            />
            <button type="submit" disabled={busy} className={action === "reject" ? "button-danger" : undefined}>
              {t(`decision.submit_${action}`)}
            </button>
          </form>
          <details className="suspend">
            <summary>{t("decision.suspend")}</summary>
            <TextArea label={t("decision.suspend_reason")} value={reason} onChange={(e) => setReason(e.target.value)} rows={2} maxLength={2000} required error={errors.reason} />
            <button type="button" className="button-secondary" disabled={busy} onClick={suspend}>
              {t("decision.suspend_submit")}
            </button>
          </details>
        </>
      )}
    </section>
  );
}

function View() {
  const { id = "" } = useParams();
  const [params] = useSearchParams();
  const { t, pick, dateTime } = useI18n();
  const { me } = useAuth();
  const loaded = useAsync(() => loadAll(id), [id]);
  const [withdrawError, setWithdrawError] = useState<unknown>(null);
  // Kept at this level: after the reload the decision panel may be gone, the reason must stay.
  const [decidedElsewhere, setDecidedElsewhere] = useState(false);
  const [decided, setDecided] = useState(false);
  const outcome = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // The panel that had focus is gone: focus goes to what happened.
    if (decided || decidedElsewhere) outcome.current?.focus();
  }, [decided, decidedElsewhere]);
  const data = loaded.data;
  useTitle(data ? `${data.app.tracking_code} · ${pick(data.service.name, data.service.name_en)}` : t("application.title"));
  const checking = !!data && stillChecking(data.documents);
  usePolling(checking, loaded.reload);

  if (loaded.loading && !data) return <Loading />;
  if (!data) return <ProblemAlert error={loaded.error} />;
  const { app, service, documents, history } = data;
  const mine = me?.id === app.applicant_id;
  const returned = app.status === "returned" ? returnComment(history) : null;
  const step = app.current_step;

  async function withdraw() {
    if (!window.confirm(t("application.withdraw_confirm"))) return;
    setWithdrawError(null);
    try {
      await call(api().POST("/applications/{id}/withdraw", { params: { path: { id } }, body: { reason: null } }));
      await loaded.reload();
    } catch (failure) {
      setWithdrawError(failure);
    }
  }

  return (
    <>
      <nav className="breadcrumbs" aria-label={t("nav.breadcrumbs")}>
        {mine ? <Link to="/applications">{t("nav.my_applications")}</Link> : <Link to="/inbox">{t("nav.inbox")}</Link>}
      </nav>
      <h1>{pick(service.name, service.name_en)}</h1>
      {params.get("submitted") && app.status !== "draft" ? <Notice kind="success">{t("application.submitted", { code: app.tracking_code })}</Notice> : null}
      <ProblemAlert error={loaded.error} />
      <div className="summary card">
        <dl className="facts">
          <Fact term={t("application.tracking_code")}>
            <span className="code">{app.tracking_code}</span>
          </Fact>
          <Fact term={t("application.status")}>
            <StatusBadge status={app.status} />
            {step ? ` ${t("track.at_step", { step: app.step ?? 0, steps: app.steps_total })}: ${pick(step.label, step.label_en)}` : ""}
          </Fact>
          <Fact term={t("application.office")}>{app.node_name ?? app.node_id}</Fact>
          <Fact term={t("application.applicant")}>{app.applicant_name}</Fact>
          {app.submitted_at ? (
            <Fact term={t("application.submitted_at")}>{dateTime(app.submitted_at)}</Fact>
          ) : null}
          {app.due_at && !mine ? (
            <Fact term={t("application.due")}>{dateTime(app.due_at)} <SlaBadge state={app.sla_state} /></Fact>
          ) : null}
        </dl>
        <div className="button-row">
          {app.submitted_at ? <ReceiptDownload app={app} /> : null}
          {mine && (app.status === "draft" || app.status === "returned") ? (
            <Link className="button" to={`/applications/${app.id}/edit`}>
              {app.status === "returned" ? t("application.fix") : t("application.continue")}
            </Link>
          ) : null}
          {mine && ["draft", "submitted", "in_review", "returned"].includes(app.status) ? (
            <button type="button" className="button-secondary" onClick={() => void withdraw()}>
              {t("application.withdraw")}
            </button>
          ) : null}
        </div>
        <ProblemAlert error={withdrawError} />
      </div>
      {returned && mine ? (
        <div className="alert alert-warning" role="status">
          <p>
            <strong>{t("edit.returned")}</strong>
          </p>
          <blockquote>{returned}</blockquote>
        </div>
      ) : null}
      {app.suspended && mine ? (
        <Notice kind="warning">
          {t("application.suspended_for_you")} {app.suspension_reason}
        </Notice>
      ) : null}
      {decidedElsewhere ? (
        <div className="alert alert-warning" role="alert" tabIndex={-1} ref={outcome}>
          <p>{t("problem.409.decision")}</p>
        </div>
      ) : null}
      {decided && !decidedElsewhere ? (
        <div className="alert alert-success" role="status" tabIndex={-1} ref={outcome}>
          <p>{t("decision.saved")}</p>
        </div>
      ) : null}
      {app.can_decide ? (
        <DecisionPanel
          app={app}
          onDecided={() => {
            setDecidedElsewhere(false);
            setDecided(true);
            void loaded.reload();
          }}
          onStale={async () => {
            setDecided(false);
            setDecidedElsewhere(true);
            await loaded.reload();
          }}
        />
      ) : null}
      {app.certificate_code ? <CertificateCard app={app} /> : null}
      <BudgetCheck app={app} />
      <section className="card" aria-labelledby="data-heading">
        <h2 id="data-heading">{t("application.data")}</h2>
        <FormFacts service={service} app={app} />
      </section>
      <section className="card" aria-labelledby="docs-heading">
        <h2 id="docs-heading">{t("edit.documents")}</h2>
        {service.documents.map((spec) => (
          <UploadSlot key={spec.name} applicationId={app.id} spec={spec} documents={documentsFor(documents, spec.name)} editable={false} onChanged={loaded.reload} />
        ))}
      </section>
      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">{t("application.history")}</h2>
        <Timeline entries={history} />
      </section>
    </>
  );
}

export default loggedInPage(View);
