/** The recap of the month's spending reports, as the usage report's PDF prints it, page by page. */
import { Link } from "react-router";
import { api, call } from "../../api/client";
import { StatusBadge } from "../../components/Badges";
import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { usePagedList } from "../../hooks/usePagedList";
import { useI18n } from "../../i18n/I18n";
import type { RecapEntry, RecapList } from "./budgetRules";
import { MoreButton } from "../../components/MoreButton";

export function Recap({ nodeId, period, office, periodText }: { nodeId: string; period: string; office: string; periodText: string }) {
  const { t, money, dateTime } = useI18n();
  const list = usePagedList<RecapEntry, RecapList>(
    (cursor) =>
      call(
        api().GET("/budgets/{node_id}/{period}/reports", {
          params: { path: { node_id: nodeId, period }, query: { limit: 50, cursor: cursor ?? undefined } },
        }),
      ),
    [nodeId, period],
  );
  return (
    <section aria-labelledby="recap-heading">
      <h2 id="recap-heading">{t("budgets.recap")}</h2>
      <ProblemAlert error={list.error} />
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && list.items.length === 0 && !list.error ? <EmptyState>{t("budgets.recap_none")}</EmptyState> : null}
      {list.items.length > 0 ? (
        <div className="table-wrap">
          <table className="budgets-table budgets-recap">
            <caption>{t("budgets.recap_caption", { period: periodText, office })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("budgets.recap_point")}</th>
                <th scope="col">{t("budgets.recap_description")}</th>
                <th scope="col">{t("budgets.category")}</th>
                <th scope="col">{t("budgets.recap_status")}</th>
                <th scope="col" className="num">{t("budgets.recap_amount")}</th>
                <th scope="col">{t("budgets.recap_approved")}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((entry) => (
                <tr key={entry.application_id} data-tracking-code={entry.tracking_code}>
                  <td>{entry.point}</td>
                  <td>
                    <Link to={`/applications/${entry.application_id}`}>{entry.activity || entry.tracking_code}</Link>
                    {entry.description ? <p className="meta">{entry.description}</p> : null}
                  </td>
                  <td>{entry.category}</td>
                  <td>
                    <StatusBadge status={entry.status} />
                  </td>
                  <td className="num">{money(entry.amount)}</td>
                  <td>{entry.approved_at ? dateTime(entry.approved_at) : "—"}</td>
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
