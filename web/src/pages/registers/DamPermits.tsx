/**
 * A dam's permits: every application whose form names the dam (GET /assets/{id}/applications),
 * newest filed first, as it stands now: service, status, the step it waits on, when it was
 * filed and last changed. Its tracking code opens it for whoever may read it.
 */
import { Link } from "react-router";
import { api, call } from "../../api/client";
import { StatusBadge } from "../../components/Badges";
import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { MoreButton } from "../../components/MoreButton";
import { usePagedList } from "../../hooks/usePagedList";
import { useI18n } from "../../i18n/I18n";
import type { DamApplication, DamApplicationList } from "./model";
import { Table } from "./Table";

export function DamPermits({ damId }: { damId: string }) {
  const { t } = useI18n();
  const list = usePagedList<DamApplication, DamApplicationList>(
    (cursor) => call(api().GET("/assets/{id}/applications", { params: { path: { id: damId }, query: { cursor: cursor ?? undefined, limit: 20 } } })),
    [damId],
  );
  return (
    <section className="card" aria-labelledby="permits-heading">
      <h2 id="permits-heading">{t("dams.permits")}</h2>
      <ProblemAlert error={list.error} />
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && !list.error && list.items.length === 0 ? <EmptyState>{t("dams.permits_none")}</EmptyState> : null}
      {list.items.length > 0 ? (
        <Table
          caption={t("dams.permits_caption")}
          headers={[t("dams.permits_code"), t("dams.permits_service"), t("dams.status"), t("dams.permits_step"), t("dams.permits_filed"), t("dams.permits_updated")]}
        >
          {list.items.map((app) => <PermitRow key={app.id} app={app} />)}
        </Table>
      ) : null}
      <MoreButton list={list} />
    </section>
  );
}

function PermitRow({ app }: { app: DamApplication }) {
  const { t, pick, dateTime } = useI18n();
  const step = app.current_step && app.step !== null
    ? t("dams.permits_step_of", { label: pick(app.current_step.label, app.current_step.label_en), step: app.step, steps: app.steps_total })
    : "—";
  return (
    <tr>
      <th scope="row">
        {app.can_open ? <Link to={`/applications/${app.id}`} className="code">{app.tracking_code}</Link> : <span className="code">{app.tracking_code}</span>}
      </th>
      <td>{pick(app.service_name, app.service_name_en)}</td>
      <td><StatusBadge status={app.status} /></td>
      <td>{step}</td>
      <td>{dateTime(app.created_at)}</td>
      <td>{dateTime(app.updated_at)}</td>
    </tr>
  );
}
