/**
 * The approvers' inbox: every step the person may decide now, oldest due first, with where
 * each stands against its SLA; filters by service, office and SLA state, search by tracking
 * code; and approving many at once, each item's outcome shown on its own.
 */
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { loggedInPage } from "../../auth/loggedIn";
import { api, call } from "../../api/client";
import { problemSentence } from "../../api/problems";
import type { Application, ApplicationList, BatchItem, SlaState } from "../../api/types";
import { MoreButton } from "../../components/MoreButton";
import { usePagedList } from "../../hooks/usePagedList";
import { useAuth } from "../../auth/Auth";
import { SlaBadge } from "../../components/Badges";
import { EmptyState, Loading, Notice, ProblemAlert } from "../../components/Feedback";
import { TextArea } from "../../components/Input";
import { useAsync } from "../../hooks/useAsync";
import { useOffices } from "../../hooks/useOffices";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { ApiError } from "../../api/problems";
import { loadServices } from "../../services";

interface Filters {
  service_id: string;
  node_id: string;
  sla: SlaState | "";
  q: string;
}

const EMPTY: Filters = { service_id: "", node_id: "", sla: "", q: "" };

function query(filters: Filters, cursor?: string | null) {
  return {
    service_id: filters.service_id || undefined,
    node_id: filters.node_id || undefined,
    sla: filters.sla || undefined,
    q: filters.q.trim() || undefined,
    cursor: cursor ?? undefined,
    limit: 50,
  };
}

function BatchResults({ results, items }: { results: BatchItem[]; items: Application[] }) {
  const { t } = useI18n();
  const byId = new Map(items.map((app) => [app.id, app]));
  const failed = results.filter((r) => r.error);
  return (
    <section className="card batch-results" aria-labelledby="batch-heading" role="status">
      <h2 id="batch-heading">{t("inbox.batch_results", { ok: results.length - failed.length, failed: failed.length })}</h2>
      <ul>
        {results.map((result) => {
          const app = byId.get(result.id);
          const error = result.error ? new ApiError(Number(result.error.status ?? 0), result.error as never) : null;
          return (
            <li key={result.id} className={error ? "batch-failed" : "batch-ok"}>
              <span className="code">{app?.tracking_code ?? result.id}</span>:{" "}
              {error ? problemSentence(error, t, "decision") : t("inbox.batch_ok")}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Inbox() {
  const { t, pick, dateTime } = useI18n();
  const { me } = useAuth();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [typed, setTyped] = useState("");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [comment, setComment] = useState("");
  const [results, setResults] = useState<{ results: BatchItem[]; items: Application[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [wide] = useState(() => window.matchMedia?.("(min-width: 48rem)").matches ?? true);
  useTitle(t("nav.inbox"));

  const page = usePagedList<Application, ApplicationList>(
    (cursor) => call(api().GET("/inbox", { params: { query: query(filters, cursor) } })),
    [filters],
  );
  const items = page.items;
  // What the filters offer loads once the list is shown: the list is what the person came for.
  const listShown = page.first !== undefined;
  const services = useAsync(() => (listShown ? loadServices() : Promise.resolve([])), [listShown]);
  const offices = useOffices(listShown ? me : null, ["verifier", "approver"]);
  // A new list (filters, a batch just decided): nothing chosen from the old one stays chosen.
  useEffect(() => setSelected(new Set()), [page.first]);

  function search(event: FormEvent) {
    event.preventDefault();
    setFilters((current) => ({ ...current, q: typed }));
  }

  function toggle(id: string) {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  const selectable = useMemo(() => items.filter((app) => app.can_decide && !app.suspended), [items]);
  const allChosen = selectable.length > 0 && selectable.every((app) => selected.has(app.id));

  async function approveSelected() {
    const chosen = items.filter((app) => selected.has(app.id));
    if (chosen.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      const steps: Record<string, number> = {};
      for (const app of chosen) if (app.step !== null) steps[app.id] = app.step;
      const answer = await call(
        api().POST("/decisions", {
          body: { application_ids: chosen.map((app) => app.id), action: "approve", comment: comment.trim() || null, steps },
        }),
      );
      setResults({ results: answer.results, items: chosen });
      setComment("");
      await page.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const filtered = filters.service_id || filters.node_id || filters.sla || filters.q;
  return (
    <>
      <h1>{t("nav.inbox")}</h1>
      {/* On a phone the list comes first: the filters fold away until asked for. */}
      <details className="card filter-panel" open={wide || !!filtered}>
        <summary>{filtered ? t("inbox.filters_active") : t("inbox.filters")}</summary>
      <form className="filters" onSubmit={search} aria-label={t("inbox.filters")}>
        <div className="filter">
          <label htmlFor="inbox-service">{t("inbox.service")}</label>
          <select id="inbox-service" value={filters.service_id} onChange={(e) => setFilters({ ...filters, service_id: e.target.value })}>
            <option value="">{t("inbox.all_services")}</option>
            {(services.data ?? []).map((service) => (
              <option key={service.id} value={service.id}>
                {pick(service.name, service.name_en)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="inbox-office">{t("inbox.office")}</label>
          <select id="inbox-office" value={filters.node_id} onChange={(e) => setFilters({ ...filters, node_id: e.target.value })}>
            <option value="">{t("inbox.all_offices")}</option>
            {(offices.data?.choices ?? []).map((office) => (
              <option key={office.id} value={office.id}>
                {office.depth > 0 ? "— " : ""}
                {office.name}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="inbox-sla">{t("inbox.sla")}</label>
          <select id="inbox-sla" value={filters.sla} onChange={(e) => setFilters({ ...filters, sla: e.target.value as SlaState | "" })}>
            <option value="">{t("inbox.all_states")}</option>
            <option value="overdue">{t("sla.overdue")}</option>
            <option value="due_soon">{t("sla.due_soon")}</option>
            <option value="on_time">{t("sla.on_time")}</option>
            <option value="suspended">{t("sla.suspended")}</option>
          </select>
        </div>
        <div className="filter">
          <label htmlFor="inbox-search">{t("inbox.search")}</label>
          <div className="inline-form">
            <input id="inbox-search" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="XXXX-XXXX-XXXX" autoComplete="off" />
            <button type="submit" className="button-secondary">
              {t("inbox.search_submit")}
            </button>
          </div>
        </div>
        {filtered ? (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setTyped("");
              setFilters(EMPTY);
            }}
          >
            {t("inbox.clear")}
          </button>
        ) : null}
      </form>
      </details>

      {results ? <BatchResults results={results.results} items={results.items} /> : null}
      <ProblemAlert error={page.error ?? error} />
      {page.loading && items.length === 0 ? <Loading /> : null}
      {!page.loading && items.length === 0 && !page.hasMore && !filters.q ? (
        <EmptyState>{filtered ? t("inbox.none_filtered") : t("inbox.none")}</EmptyState>
      ) : null}

      {items.length > 0 ? (
        <>
          <div className="batch-bar card">
            <div className="field field-checkbox">
              <input
                type="checkbox"
                id="select-all"
                checked={allChosen}
                onChange={() => setSelected(allChosen ? new Set() : new Set(selectable.map((app) => app.id)))}
              />
              <label htmlFor="select-all">{t("inbox.select_all")}</label>
            </div>
            {selected.size > 0 ? (
              <>
                <TextArea label={t("inbox.batch_comment")} value={comment} onChange={(e) => setComment(e.target.value)} rows={1} maxLength={2000} />
                <button type="button" disabled={busy} onClick={() => void approveSelected()}>
                  {t("inbox.approve_selected", { count: selected.size })}
                </button>
              </>
            ) : null}
          </div>
          <ul className="inbox-list" aria-busy={page.loading}>
            {items.map((app) => (
              <li key={app.id} className={`card inbox-item sla-${app.sla_state ?? "none"}`}>
                <div className="inbox-select">
                  <input
                    type="checkbox"
                    id={`select-${app.id}`}
                    checked={selected.has(app.id)}
                    disabled={!app.can_decide || app.suspended}
                    onChange={() => toggle(app.id)}
                    aria-label={t("inbox.select", { code: app.tracking_code })}
                  />
                </div>
                <div className="inbox-body">
                  <div className="inbox-head">
                    <Link to={`/applications/${app.id}`}>{pick(app.service_name, app.service_name_en)}</Link>
                    <SlaBadge state={app.sla_state} dueAt={app.due_at} />
                  </div>
                  <p className="meta">
                    <span className="code">{app.tracking_code}</span> · {app.node_name} · {app.applicant_name}
                  </p>
                  <p className="meta">
                    {app.current_step ? pick(app.current_step.label, app.current_step.label_en) : null}
                    {app.due_at ? ` · ${t("inbox.due", { when: dateTime(app.due_at) })}` : null}
                    {app.budget_check?.over ? (
                      <>
                        {" · "}
                        <strong className="over">{t("budget.over_short")}</strong>
                      </>
                    ) : null}
                  </p>
                </div>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <MoreButton list={page} />
      {filters.q && items.length === 0 && !page.loading ? <Notice>{t("inbox.search_none")}</Notice> : null}
    </>
  );
}

export default loggedInPage(Inbox, { staff: true });
