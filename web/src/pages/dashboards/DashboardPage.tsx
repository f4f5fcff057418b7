/**
 * An office's dashboard for a month (/dashboard/:nodeId?period=YYYY-MM): applications by status
 * and service, each workflow step against its SLA, the budget per category, each child office
 * (open it to drill down; the breadcrumb goes back up), the 12 months and the month's days as
 * charts with their tables. Every table downloads as CSV exactly as shown.
 */
import { useMemo, type FormEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { api, call } from "../../api/client";
import type { components } from "../../api/schema";
import { allRoles, useAuth } from "../../auth/Auth";
import { loggedInPage } from "../../auth/loggedIn";
import { Loading, ProblemAlert } from "../../components/Feedback";
import { useAsync } from "../../hooks/useAsync";
import { useTitle } from "../../hooks/useTitle";
import { useI18n, type I18n } from "../../i18n/I18n";
import type { MessageKey } from "../../i18n/catalogue";
import { loadServices } from "../../services";
import { SeriesChart } from "./Charts";
import { DataTable, type Column } from "./DataTable";
import { countedClock, currentPeriod, figureOffices, isPeriod, monthLabel, reachablePath } from "./figures";

type Board = components["schemas"]["DashboardOut"];
type Office = components["schemas"]["OfficeFiguresOut"];
type Step = components["schemas"]["StepFiguresOut"];
type Day = components["schemas"]["DayOut"];

const OPEN_STATUSES = ["submitted", "in_review"];

interface BudgetRow {
  name: string;
  total: boolean;
  allocated: number | null;
  recommended: number;
  used: number;
  pending: number;
  remaining: number | null;
  percent: number | null;
}

function isOver(row: { remaining: number | null; percent: number | null }): boolean {
  return (row.remaining !== null && row.remaining < 0) || (row.percent !== null && row.percent > 100);
}

function statusKey(status: string): MessageKey {
  return `status.${status}` as MessageKey;
}

function budgetRows(board: Board, t: I18n["t"]): BudgetRow[] {
  const b = board.budget;
  return [
    { name: t("dash.budget_total"), total: true, allocated: b.amount, recommended: b.recommendation, used: b.used,
      pending: b.pending, remaining: b.remaining, percent: b.percent_used },
    ...Object.entries(b.categories).map(([name, c]) => ({
      name, total: false, allocated: null, recommended: c.recommended, used: c.used, pending: c.pending,
      remaining: c.remaining, percent: c.percent_used,
    })),
  ];
}

function Breadcrumb({ nodeId, period, name }: { nodeId: string; period: string; name: string }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const mine = figureOffices(allRoles(me));
  const trail = useAsync(async () => {
    const node = await call(api().GET("/org/nodes/{id}", { params: { path: { id: nodeId } } }));
    const above = reachablePath(node.path, mine).slice(0, -1);
    return Promise.all(above.map((id) => call(api().GET("/org/nodes/{id}", { params: { path: { id } } }))));
  }, [nodeId, mine.join(",")]);
  return (
    <nav className="breadcrumbs" aria-label={t("nav.breadcrumbs")}>
      <ol className="dash-breadcrumbs">
        {(trail.data ?? []).map((node) => (
          <li key={node.id}>
            <Link to={`/dashboard/${node.id}?period=${period}`}>{node.name}</Link>
          </li>
        ))}
        <li aria-current="page">{name}</li>
      </ol>
    </nav>
  );
}

function PeriodPicker({ period, onChange }: { period: string; onChange: (period: string) => void }) {
  const { t } = useI18n();
  function submit(event: FormEvent) {
    event.preventDefault();
  }
  return (
    <form className="filters" onSubmit={submit}>
      <div className="field">
        <label htmlFor="dash-period">{t("dash.period")}</label>
        <input id="dash-period" type="month" value={period} min="2000-01" max="2100-12"
          onChange={(e) => { if (isPeriod(e.target.value)) onChange(e.target.value); }} />
      </div>
    </form>
  );
}

function useColumns(board: Board | undefined, period: string) {
  const { t, money, number, pick, language } = useI18n();
  const services = useAsync(loadServices, []);
  return useMemo(() => {
    const names: Record<string, string> = {};
    for (const s of services.data ?? []) names[s.id] = pick(s.name, s.name_en);
    const statuses = Object.keys(board?.by_status ?? {});
    const count = (value: number) => number(value);
    const rupiah = (value: number | null) => (value === null ? "—" : money(value));
    const percent = (value: number | null) => (value === null ? "—" : `${number(value)}%`);
    const hours = (value: number | null) => (value === null ? "—" : t("dash.hours", { hours: number(value) }));
    const overText = (row: { remaining: number | null; percent: number | null }) => (isOver(row) ? t("dash.over_budget") : "");
    const overClass = (row: { remaining: number | null; percent: number | null }) => (isOver(row) ? "over" : undefined);

    const byStatus: Column<[string, number]>[] = [
      { header: t("dash.col.status"), text: ([s]) => t(statusKey(s)), rowHeader: true },
      { header: t("dash.col.applications"), text: ([, n]) => count(n), numeric: true },
    ];
    const byService: Column<[string, Record<string, number>]>[] = [
      { header: t("dash.col.service"), text: ([id]) => names[id] ?? id, rowHeader: true },
      { header: t("dash.col.applications"), text: ([, c]) => count(Object.values(c).reduce((a, b) => a + b, 0)), numeric: true },
      ...statuses.map((s): Column<[string, Record<string, number>]> => (
        { header: t(statusKey(s)), text: ([, c]) => count(c[s] ?? 0), numeric: true })),
    ];
    // A percentile is read as its bucket's upper edge ("at most"); past 5x the SLA, the last
    // bucket's lower edge ("at least"): chalicelib/domain/dashboard_steps.py.
    const bound = (value: number | null, atLeast: boolean) =>
      value === null ? "—" : t(atLeast ? "dash.at_least" : "dash.at_most", { hours: number(value) });
    const slaState = (s: Step) => (s.p90_hours === null ? "—" : s.over_sla ? t("dash.over_sla") : t("dash.within_sla"));
    const steps: Column<Step>[] = [
      { header: t("dash.col.service"), text: (s) => pick(s.service_name, s.service_name_en) },
      { header: t("dash.col.step"), text: (s) => `${s.step}. ${pick(s.label, s.label_en)}`, rowHeader: true },
      { header: t("dash.col.sla"), text: (s) => hours(s.sla_hours), numeric: true },
      { header: t("dash.col.open"), text: (s) => count(s.open), numeric: true },
      { header: t("dash.col.overdue"), text: (s) => count(s.overdue), numeric: true, className: (s) => (s.overdue ? "over" : undefined) },
      { header: t("dash.col.suspended"), text: (s) => count(s.suspended), numeric: true },
      { header: t("dash.col.decided"), text: (s) => count(s.decided), numeric: true },
      { header: t("dash.col.p50"), text: (s) => bound(s.p50_hours, s.p50_at_least), numeric: true,
        className: (s) => (s.p50_hours !== null && s.p50_hours > s.sla_hours ? "over" : undefined) },
      { header: t("dash.col.p90"), text: (s) => bound(s.p90_hours, s.p90_at_least), numeric: true, className: (s) => (s.over_sla ? "over" : undefined) },
      { header: t("dash.col.vs_sla"), text: slaState, className: (s) => (s.over_sla ? "over" : undefined) },
    ];
    const budget: Column<BudgetRow>[] = [
      { header: t("dash.col.category"), text: (r) => r.name, rowHeader: true },
      { header: t("dash.col.allocated"), text: (r) => (r.total ? rupiah(r.allocated) : "—"), numeric: true },
      { header: t("dash.col.recommended"), text: (r) => rupiah(r.recommended), numeric: true },
      { header: t("dash.col.used"), text: (r) => rupiah(r.used), numeric: true },
      { header: t("dash.col.pending"), text: (r) => rupiah(r.pending), numeric: true },
      { header: t("dash.col.remaining"), text: (r) => rupiah(r.remaining), numeric: true, className: overClass },
      { header: t("dash.col.percent_used"), text: (r) => percent(r.percent), numeric: true, className: overClass },
      { header: t("dash.col.note"), text: overText, className: overClass },
    ];
    const officeOver = (o: Office) => ({ remaining: o.budget.remaining, percent: o.budget.percent_used });
    const children: Column<Office>[] = [
      { header: t("dash.col.office"), text: (o) => o.name, rowHeader: true,
        render: (o) => <Link to={`/dashboard/${o.node_id}?period=${period}`}>{o.name}</Link> },
      { header: t("dash.col.kind"), text: (o) => o.kind },
      { header: t("dash.col.applications"), text: (o) => count(o.applications), numeric: true },
      { header: t("dash.col.open"), text: (o) => count(OPEN_STATUSES.reduce((a, s) => a + (o.by_status[s] ?? 0), 0)), numeric: true },
      { header: t("status.approved"), text: (o) => count(o.by_status.approved ?? 0), numeric: true },
      { header: t("dash.col.allocated"), text: (o) => rupiah(o.budget.amount), numeric: true },
      { header: t("dash.col.used"), text: (o) => rupiah(o.budget.used), numeric: true },
      { header: t("dash.col.pending"), text: (o) => rupiah(o.budget.pending), numeric: true },
      { header: t("dash.col.percent_used"), text: (o) => percent(o.budget.percent_used), numeric: true,
        className: (o) => overClass(officeOver(o)) },
      { header: t("dash.col.note"), text: (o) => overText(officeOver(o)), className: (o) => overClass(officeOver(o)) },
    ];
    const months: Column<Office>[] = [
      { header: t("dash.col.month"), text: (o) => monthLabel(o.period, language), rowHeader: true },
      { header: t("dash.col.applications"), text: (o) => count(o.applications), numeric: true },
      { header: t("status.approved"), text: (o) => count(o.by_status.approved ?? 0), numeric: true },
      { header: t("dash.col.allocated"), text: (o) => rupiah(o.budget.amount), numeric: true },
      { header: t("dash.col.used"), text: (o) => rupiah(o.budget.used), numeric: true },
      { header: t("dash.col.pending"), text: (o) => rupiah(o.budget.pending), numeric: true },
    ];
    const days: Column<Day>[] = [
      { header: t("dash.col.date"), text: (d) => d.date, rowHeader: true },
      { header: t("dash.col.used"), text: (d) => rupiah(d.used), numeric: true },
      { header: t("dash.col.pending"), text: (d) => rupiah(d.pending), numeric: true },
    ];
    return { byStatus, byService, steps, budget, children, months, days };
  }, [board, period, services.data, t, money, number, pick, language]);
}

function Figures({ board, period }: { board: Board; period: string }) {
  const { t, money, language } = useI18n();
  const columns = useColumns(board, period);
  const file = (what: string) => `dashboard-${board.node_id}-${period}-${what}.csv`;
  const total = Object.values(board.by_status).reduce((a, b) => a + b, 0);
  const counted = countedClock(board.counted_through, language);
  return (
    <div data-dash-ready="true">
      <p className="meta" id="dash-counted-through">
        {counted ? t("dash.counted_through", { time: counted }) : t("dash.nothing_counted")}
      </p>
      <section aria-labelledby="dash-applications" className="dash-section">
        <h2 id="dash-applications">{t("dash.applications", { count: total })}</h2>
        <div className="dash-pair">
          <DataTable id="dash-by-status" caption={t("dash.by_status")} columns={columns.byStatus}
            rows={Object.entries(board.by_status)} rowKey={([s]) => s} filename={file("status")} />
          <DataTable id="dash-by-service" caption={t("dash.by_service")} columns={columns.byService}
            rows={Object.entries(board.by_service)} rowKey={([s]) => s} filename={file("services")} />
        </div>
      </section>
      <section aria-labelledby="dash-steps-heading" className="dash-section">
        <h2 id="dash-steps-heading">{t("dash.steps")}</h2>
        <p className="meta">{t("dash.steps_lead")}</p>
        <DataTable id="dash-steps" caption={t("dash.steps_caption")} columns={columns.steps} rows={board.steps}
          rowKey={(s) => `${s.service_id}:${s.step}`} rowClass={(s) => (s.over_sla ? "dash-over" : undefined)}
          filename={file("steps")} />
      </section>
      <section aria-labelledby="dash-budget-heading" className="dash-section">
        <h2 id="dash-budget-heading">{t("dash.budget")}</h2>
        <DataTable id="dash-budget" caption={t("dash.budget_caption")} columns={columns.budget}
          rows={budgetRows(board, t)} rowKey={(r) => (r.total ? "TOTAL" : r.name)}
          rowClass={(r) => (isOver(r) ? "dash-over" : undefined)} filename={file("budget")} />
      </section>
      <section aria-labelledby="dash-children-heading" className="dash-section">
        <h2 id="dash-children-heading">{t("dash.children")}</h2>
        <DataTable id="dash-children" caption={t("dash.children_caption")} columns={columns.children}
          rows={board.children} rowKey={(o) => o.node_id} empty={t("dash.no_children")} filename={file("offices")}
          rowClass={(o) => (isOver({ remaining: o.budget.remaining, percent: o.budget.percent_used }) ? "dash-over" : undefined)} />
      </section>
      <section aria-labelledby="dash-months-heading" className="dash-section">
        <h2 id="dash-months-heading">{t("dash.months")}</h2>
        <SeriesChart label={t("dash.months_chart")} money={money}
          labels={board.series.map((m) => monthLabel(m.period, language))}
          series={[
            { label: t("dash.col.applications"), values: board.series.map((m) => m.applications), kind: "bar" },
            { label: t("dash.col.used"), values: board.series.map((m) => m.budget.used), kind: "line", right: true },
          ]} />
        <details>
          <summary>{t("dash.table_equivalent")}</summary>
          <DataTable id="dash-months" caption={t("dash.months_caption")} columns={columns.months} rows={board.series}
            rowKey={(m) => m.period} filename={file("months")} />
        </details>
      </section>
      <section aria-labelledby="dash-days-heading" className="dash-section">
        <h2 id="dash-days-heading">{t("dash.days", { month: monthLabel(period, language) })}</h2>
        <SeriesChart label={t("dash.days_chart")} money={money} leftIsMoney
          labels={board.daily.map((d) => d.date.slice(8))}
          series={[
            { label: t("dash.col.used"), values: board.daily.map((d) => d.used), kind: "bar" },
            { label: t("dash.col.pending"), values: board.daily.map((d) => d.pending), kind: "bar" },
          ]} />
        <details>
          <summary>{t("dash.table_equivalent")}</summary>
          <DataTable id="dash-days" caption={t("dash.days_caption")} columns={columns.days} rows={board.daily}
            rowKey={(d) => d.date} filename={file("days")} />
        </details>
      </section>
    </div>
  );
}

function Dashboard() {
  const { t, language } = useI18n();
  const { nodeId = "" } = useParams();
  const [search, setSearch] = useSearchParams();
  const asked = search.get("period");
  const period = isPeriod(asked) ? asked : currentPeriod();
  const board = useAsync(
    () => call(api().GET("/dashboard/{node_id}", { params: { path: { node_id: nodeId }, query: { period } } })),
    [nodeId, period],
  );
  const name = board.data?.name ?? "";
  useTitle(name ? t("dash.title_of", { office: name }) : t("dash.nav"));
  const fresh = board.data && board.data.node_id === nodeId && board.data.period === period ? board.data : undefined;
  return (
    <>
      {fresh ? <Breadcrumb nodeId={nodeId} period={period} name={name} /> : null}
      <h1>{name ? t("dash.title_of", { office: name }) : t("dash.nav")}</h1>
      <p className="lead">{t("dash.lead", { month: monthLabel(period, language) })}</p>
      <PeriodPicker period={period} onChange={(next) => setSearch({ period: next })} />
      <ProblemAlert error={board.error} />
      {board.loading && !fresh ? <Loading /> : null}
      {fresh ? <Figures board={fresh} period={period} /> : null}
    </>
  );
}

export default loggedInPage(Dashboard, { staff: true });
