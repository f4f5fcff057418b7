/** The health of each scheduled function for ops: its schedule, its last run and outcome, the
 *  error of a failed run, and when it last went well. */
import { loggedInPage } from "../../auth/loggedIn";
import { api, call } from "../../api/client";
import { Loading, ProblemAlert } from "../../components/Feedback";
import { useAsync } from "../../hooks/useAsync";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { OpsSections, StateBadge, type ScheduleHealth } from "./shared";

function Row({ health }: { health: ScheduleHealth }) {
  const { t, dateTime } = useI18n();
  const run = health.last_run;
  return (
    <tr className={run?.outcome === "failed" ? "ops-failed-run" : undefined}>
      <th scope="row" className="code">
        {health.name}
      </th>
      <td className="code">{health.schedule}</td>
      <td>{run ? dateTime(run.finished_at) : t("ops.schedules.never")}</td>
      <td>{run ? <StateBadge kind="outcome" state={run.outcome} /> : "—"}</td>
      <td>{run?.error ?? "—"}</td>
      <td>{run?.last_ok_at ? dateTime(run.last_ok_at) : "—"}</td>
      <td>{run ? `${run.runs} / ${run.failures}` : "—"}</td>
    </tr>
  );
}

function Schedules() {
  const { t } = useI18n();
  const schedules = useAsync(() => call(api().GET("/ops/schedules")), []);
  useTitle(t("ops.schedules.title"));
  return (
    <>
      <h1>{t("ops.schedules.title")}</h1>
      <OpsSections />
      <ProblemAlert error={schedules.error} />
      {schedules.loading && !schedules.data ? (
        <Loading />
      ) : schedules.data ? (
        <div className="table-wrap">
          <table className="ops-table">
            <caption>{t("ops.schedules.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("ops.schedules.name")}</th>
                <th scope="col">{t("ops.schedules.schedule")}</th>
                <th scope="col">{t("ops.schedules.last_run")}</th>
                <th scope="col">{t("ops.schedules.outcome")}</th>
                <th scope="col">{t("ops.schedules.error")}</th>
                <th scope="col">{t("ops.schedules.last_ok")}</th>
                <th scope="col">{t("ops.schedules.runs")}</th>
              </tr>
            </thead>
            <tbody>
              {schedules.data.items.map((health) => (
                <Row key={health.name} health={health} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <p>
        <button type="button" className="button-secondary" onClick={() => void schedules.reload()}>
          {t("ops.record.refresh")}
        </button>
      </p>
    </>
  );
}

export default loggedInPage(Schedules, { staff: true });
