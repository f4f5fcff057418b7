/**
 * Queues for ops: each queue and its dead-letter queue with SQS's approximate counts, a redrive
 * that moves a dead-letter queue's messages back to their queue, and the notifications whose
 * e-mail failed for good.
 */
import { useState } from "react";
import { Link } from "react-router";
import { loggedInPage } from "../../auth/loggedIn";
import { api, call } from "../../api/client";
import { EmptyState, Loading, Notice, ProblemAlert } from "../../components/Feedback";
import { useAction } from "../../hooks/useAction";
import { useAsync } from "../../hooks/useAsync";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { OpsSections, type FailedNotification, type QueuePair } from "./shared";

function Count({ value }: { value: number | null }) {
  const { t, number } = useI18n();
  return <>{value === null ? t("ops.queues.unknown") : number(value)}</>;
}

function QueueTable({ pairs, onRedrive, busy }: { pairs: QueuePair[]; onRedrive: (name: string) => void; busy: boolean }) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="ops-table">
        <caption>{t("ops.queues.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("ops.queues.name")}</th>
            <th scope="col">{t("ops.queues.waiting")}</th>
            <th scope="col">{t("ops.queues.in_flight")}</th>
            <th scope="col">{t("ops.queues.dead")}</th>
            <th scope="col">{t("ops.queues.action")}</th>
          </tr>
        </thead>
        <tbody>
          {pairs.map((pair) => (
            <tr key={pair.name} className={pair.dead_letters.visible ? "ops-dead-letters" : undefined}>
              <th scope="row">
                {pair.name}
                <div className="meta code">{pair.queue.queue}</div>
              </th>
              <td>
                <Count value={pair.queue.visible} />
              </td>
              <td>
                <Count value={pair.queue.in_flight} />
              </td>
              <td>
                <Count value={pair.dead_letters.visible} />
                <div className="meta code">{pair.dead_letters.queue}</div>
              </td>
              <td>
                <button
                  type="button"
                  className="button-secondary"
                  aria-label={t("ops.queues.redrive", { name: pair.name })}
                  disabled={busy || !pair.dead_letters.visible}
                  onClick={() => onRedrive(pair.name)}
                >
                  {t("ops.queues.redrive_short")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FailedNotifications() {
  const { t, dateTime } = useI18n();
  const failed = useAsync(() => call(api().GET("/ops/failed-notifications", { params: { query: { limit: 50 } } })), []);
  const items: FailedNotification[] = failed.data?.items ?? [];
  return (
    <section aria-labelledby="ops-failed-heading">
      <h2 id="ops-failed-heading">{t("ops.failed.title")}</h2>
      <ProblemAlert error={failed.error} />
      {failed.loading && !failed.data ? (
        <Loading />
      ) : items.length === 0 ? (
        <EmptyState>{t("ops.failed.none")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="ops-table">
            <caption>{t("ops.failed.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("ops.failed.when")}</th>
                <th scope="col">{t("ops.failed.kind")}</th>
                <th scope="col">{t("ops.failed.user")}</th>
                <th scope="col">{t("ops.failed.application")}</th>
                <th scope="col">{t("ops.sends.attempts")}</th>
                <th scope="col">{t("ops.failed.error")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>{dateTime(item.created_at)}</td>
                  <td className="code">{item.kind}</td>
                  <td className="code">{item.user_id}</td>
                  <td>{item.application_id ? <Link to={`/applications/${item.application_id}`}>{item.application_id}</Link> : "—"}</td>
                  <td>{item.delivery.attempts}</td>
                  <td>{item.delivery.last_error ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Queues() {
  const { t } = useI18n();
  const queues = useAsync(() => call(api().GET("/ops/queues")), []);
  const action = useAction();
  const [moved, setMoved] = useState<{ name: string; moved: number; left: number | null } | null>(null);
  useTitle(t("ops.queues.title"));

  async function redrive(name: string) {
    setMoved(null);
    const ok = await action.run(async () => {
      setMoved(await call(api().POST("/ops/queues/{name}/redrive", { params: { path: { name } } })));
    });
    if (ok) await queues.reload();
  }

  return (
    <>
      <h1>{t("ops.queues.title")}</h1>
      <OpsSections />
      <ProblemAlert error={queues.error} />
      <ProblemAlert error={action.error} />
      {moved ? (
        <Notice kind="success">
          {t("ops.queues.moved", { moved: moved.moved, name: moved.name, left: moved.left ?? t("ops.queues.unknown") })}
        </Notice>
      ) : null}
      {queues.loading && !queues.data ? (
        <Loading />
      ) : queues.data ? (
        <QueueTable pairs={queues.data.items} busy={action.busy} onRedrive={(name) => void redrive(name)} />
      ) : null}
      <p>
        <button type="button" className="button-secondary" onClick={() => void queues.reload()}>
          {t("ops.queues.refresh")}
        </button>
      </p>
      <FailedNotifications />
    </>
  );
}

export default loggedInPage(Queues, { staff: true });
