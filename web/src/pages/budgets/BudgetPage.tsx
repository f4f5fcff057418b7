/**
 * An office's budget for a month (/budgets/:nodeId/:period): the figures with over-budget
 * marked, each office below to drill into, setting and splitting the budget for those who may,
 * the clusters' budget requests, the monthly usage report and the recap of every spending report.
 */
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, call } from "../../api/client";
import type { User } from "../../api/types";
import { allRoles, useAuth } from "../../auth/Auth";
import { loggedInPage } from "../../auth/loggedIn";
import { Loading, ProblemAlert } from "../../components/Feedback";
import { useAsync } from "../../hooks/useAsync";
import { useOffices } from "../../hooks/useOffices";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { AllocateForm, SplitForm } from "./BudgetForms";
import { BudgetSummary, CategoryTable, ChildrenTable, type ChildBudget } from "./BudgetFigures";
import { BudgetRequests } from "./BudgetRequests";
import { Recap } from "./Recap";
import { UsageReport } from "./UsageReport";
import { isPeriod, mayAllocate, maySplit, periodLabel, readsReports, requestsBudget, type Budget as BudgetFigures } from "./budgetRules";

function PeriodPicker({ nodeId, period, current }: { nodeId: string; period: string; current: { id: string; name: string } | null }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const navigate = useNavigate();
  const offices = useOffices(me);
  const [office, setOffice] = useState(nodeId);
  const [month, setMonth] = useState(period);
  const choices = offices.data?.choices ?? [];
  const listed = choices.some((choice) => choice.id === nodeId);

  function show(event: FormEvent) {
    event.preventDefault();
    if (office && isPeriod(month)) navigate(`/budgets/${encodeURIComponent(office)}/${month}`);
  }

  return (
    <form className="card filters budgets-picker" onSubmit={show} aria-label={t("budgets.picker")}>
      <div className="filter">
        <label htmlFor="budget-office">{t("budgets.office")}</label>
        <select id="budget-office" value={office} onChange={(e) => setOffice(e.target.value)}>
          {!listed && current ? <option value={current.id}>{current.name}</option> : null}
          {choices.map((choice) => (
            <option key={choice.id} value={choice.id}>
              {choice.depth > 0 ? "— " : ""}
              {choice.name}
            </option>
          ))}
        </select>
      </div>
      <div className="filter">
        <label htmlFor="budget-period">{t("budgets.period")}</label>
        <input id="budget-period" type="month" value={month} min="2000-01" max="2100-12" onChange={(e) => setMonth(e.target.value)} required />
      </div>
      <button type="submit" className="button-secondary">
        {t("budgets.show")}
      </button>
    </form>
  );
}

function BudgetMonth() {
  const { nodeId = "", period = "" } = useParams();
  const { t, language } = useI18n();
  const { me } = useAuth();
  const node = useAsync(() => call(api().GET("/org/nodes/{id}", { params: { path: { id: nodeId } } })), [nodeId]);
  const budget = useAsync(
    () => call(api().GET("/budgets/{node_id}/{period}", { params: { path: { node_id: nodeId, period } } })),
    [nodeId, period],
  );
  const children = useAsync(async (): Promise<ChildBudget[]> => {
    const below = node.data?.children ?? [];
    return Promise.all(
      below.map(async (child) => ({
        id: child.id,
        name: child.name,
        budget: await call(api().GET("/budgets/{node_id}/{period}", { params: { path: { node_id: child.id, period } } })).catch(() => null),
      })),
    );
  }, [node.data, period]);
  const office = node.data;
  // The office above, when the person's roles reach it: the way back up.
  const parentId = office?.parent_id && reachesAbove(me, office.path) ? office.parent_id : null;
  const parent = useAsync(
    () => (parentId ? call(api().GET("/org/nodes/{id}", { params: { path: { id: parentId } } })) : Promise.resolve(null)),
    [parentId],
  );
  const periodText = periodLabel(period, language);
  useTitle(office ? `${t("budgets.title", { office: office.name })} · ${periodText}` : t("budgets.title_plain"));

  function saved(next: BudgetFigures) {
    budget.set(next);
    void children.reload();
  }

  const path = office?.path ?? [];
  return (
    <>
      {parent.data ? (
        <nav className="breadcrumbs" aria-label={t("nav.breadcrumbs")}>
          <Link to={`/budgets/${encodeURIComponent(parent.data.id)}/${period}`}>{t("budgets.up", { office: parent.data.name })}</Link>
        </nav>
      ) : null}
      <h1>{office ? t("budgets.title", { office: office.name }) : t("budgets.title_plain")}</h1>
      <p className="lead">{t("budgets.lead")}</p>
      <PeriodPicker key={`${nodeId}/${period}`} nodeId={nodeId} period={period} current={office ? { id: office.id, name: office.name } : null} />
      <ProblemAlert error={node.error ?? budget.error} />
      {(node.loading && !office) || (budget.loading && !budget.data) ? <Loading /> : null}
      {office && budget.data ? (
        <>
          <BudgetSummary budget={budget.data} periodText={periodText} />
          <CategoryTable budget={budget.data} periodText={periodText} />
          <ChildrenTable office={office.name} rows={children.data ?? []} period={period} periodText={periodText} />
          <div className="cards">
            {mayAllocate(me, path) ? (
              <AllocateForm key={`a-${nodeId}/${period}`} nodeId={nodeId} officeName={office.name} period={period} budget={budget.data} onSaved={saved} />
            ) : null}
            {maySplit(me, path) ? (
              <SplitForm key={`s-${nodeId}/${period}/${budget.data.amount ?? ""}`} nodeId={nodeId} period={period} budget={budget.data} onSaved={saved} />
            ) : null}
          </div>
          {readsReports(me, path) ? (
            <>
              <BudgetRequests nodeId={nodeId} office={office.name} period={period} periodText={periodText} mayRequest={requestsBudget(me, nodeId)} />
              <UsageReport nodeId={nodeId} period={period} />
              <Recap nodeId={nodeId} period={period} office={office.name} periodText={periodText} />
            </>
          ) : null}
        </>
      ) : null}
    </>
  );
}

/** Whether the person holds a role at an office above this one (`path` runs root → office). */
function reachesAbove(me: User | null, path: readonly string[]): boolean {
  const above = path.slice(0, -1);
  return allRoles(me).some((r) => above.includes(r.node_id));
}

export default loggedInPage(BudgetMonth, { staff: true });
