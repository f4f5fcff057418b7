/**
 * A cluster's budget requests for the month (the catalog's marketing-fee-budget-request: the
 * region recommends, the area allocates; approved, it adds to the budget) with their status,
 * and, for the cluster's own staff, the way to file one.
 */
import { Link } from "react-router";
import { api, call } from "../../api/client";
import type { Application, ApplicationList } from "../../api/types";
import { StatusBadge } from "../../components/Badges";
import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { usePagedList } from "../../hooks/usePagedList";
import { useI18n } from "../../i18n/I18n";
import { BUDGET_REQUEST_SERVICE } from "./budgetRules";
import { MoreButton } from "../../components/MoreButton";

function forMonth(app: Application, period: string): boolean {
  const month = app.data?.for_month;
  return typeof month === "string" && month.startsWith(period);
}

export function BudgetRequests({ nodeId, office, period, periodText, mayRequest }: {
  nodeId: string; office: string; period: string; periodText: string; mayRequest: boolean;
}) {
  const { t, money } = useI18n();
  const list = usePagedList<Application, ApplicationList>(
    async (cursor) => {
      const page = await call(
        api().GET("/applications", {
          params: { query: { service_id: BUDGET_REQUEST_SERVICE, node_id: nodeId, limit: 50, cursor: cursor ?? undefined } },
        }),
      );
      return { ...page, items: page.items.filter((app) => forMonth(app, period) && app.status !== "draft") };
    },
    [nodeId, period],
  );
  return (
    <section aria-labelledby="requests-heading">
      <h2 id="requests-heading">{t("budgets.requests")}</h2>
      {mayRequest ? (
        <p>
          <Link className="button-secondary" to={`/apply/${BUDGET_REQUEST_SERVICE}?office=${encodeURIComponent(nodeId)}`}>
            {t("budgets.request_new", { office })}
          </Link>
        </p>
      ) : null}
      <ProblemAlert error={list.error} />
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && list.items.length === 0 && !list.hasMore && !list.error ? <EmptyState>{t("budgets.requests_none")}</EmptyState> : null}
      {list.items.length > 0 ? (
        <div className="table-wrap">
          <table className="budgets-table">
            <caption>{t("budgets.requests_caption", { period: periodText })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("budgets.request_code")}</th>
                <th scope="col">{t("budgets.child_office")}</th>
                <th scope="col">{t("budgets.category")}</th>
                <th scope="col" className="num">{t("budgets.recap_amount")}</th>
                <th scope="col">{t("budgets.request_status")}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((app) => (
                <tr key={app.id}>
                  <td>
                    <Link to={`/applications/${app.id}`} className="code">
                      {app.tracking_code}
                    </Link>
                  </td>
                  <td>{app.node_name ?? app.node_id}</td>
                  <td>{String(app.data?.category ?? "")}</td>
                  <td className="num">{typeof app.data?.amount === "number" ? money(app.data.amount) : "—"}</td>
                  <td>
                    <StatusBadge status={app.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <MoreButton list={list} />
    </section>
  );
}
