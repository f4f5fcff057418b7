/**
 * One record of the send log: what is sent, where it stands, and every post with the registry's
 * answer exactly as it came (status code, body). Ops re-run the record's day from here and watch
 * it settle.
 */
import { useEffect, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { loggedInPage } from "../../auth/loggedIn";
import { api, call } from "../../api/client";
import { Loading, Notice, ProblemAlert } from "../../components/Feedback";
import { useAction } from "../../hooks/useAction";
import { useAsync } from "../../hooks/useAsync";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import type { MessageKey } from "../../i18n/catalogue";
import { OpsSections, StateBadge, answerText, targetKey, type SendAnswer, type SendDetail, type Target } from "./shared";

// After a re-run, the page reads the record again this often until it is attempted again and no
// longer pending. The run is a queued job: until the worker takes it, a failed record still reads
// failed with the attempts it had, so "not pending" alone would stop the watch before it began.
const WATCH_EVERY_MS = 1500;
const WATCH_FOR_MS = 60_000;

function Answers({ answers }: { answers: SendAnswer[] }) {
  const { t, dateTime } = useI18n();
  if (answers.length === 0) return <p className="empty">{t("ops.record.no_answers")}</p>;
  return (
    <div className="table-wrap">
      <table className="ops-table">
        <caption>{t("ops.record.answers_caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("ops.answer.at")}</th>
            <th scope="col">{t("ops.answer.verdict")}</th>
            <th scope="col">{t("ops.answer.http")}</th>
            <th scope="col">{t("ops.answer.code")}</th>
            <th scope="col">{t("ops.answer.message")}</th>
            <th scope="col">{t("ops.answer.body")}</th>
          </tr>
        </thead>
        <tbody>
          {answers.map((answer, index) => (
            <tr key={`${answer.at}-${index}`}>
              <td>{dateTime(answer.at)}</td>
              <td>{t(`ops.verdict.${answer.verdict}` as MessageKey)}</td>
              <td className="code">{answer.http_status ?? t("ops.answer.none")}</td>
              <td className="code">{answer.code ?? "—"}</td>
              <td>{answer.message}</td>
              <td>
                <pre className="ops-answer">{answerText(answer.answer)}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Facts({ record }: { record: SendDetail }) {
  const { t, dateTime, day } = useI18n();
  return (
    <dl className="facts card" aria-label={t("ops.record.facts")}>
      <dt>{t("ops.sends.status")}</dt>
      <dd>
        <StateBadge state={record.state} />
      </dd>
      <dt>{t("ops.sends.target")}</dt>
      <dd>{t(targetKey(record.target))}</dd>
      <dt>{t("ops.sends.dataset")}</dt>
      <dd className="code">{record.dataset}</dd>
      <dt>{t("ops.sends.date")}</dt>
      <dd>{day(record.date)}</dd>
      <dt>{t("ops.sends.attempts")}</dt>
      <dd>{record.attempts}</dd>
      <dt>{t("ops.sends.last_answer")}</dt>
      <dd>
        {[record.last_http_status, record.last_code].filter((part) => part !== null).join(" · ")} {record.last_message ?? t("ops.sends.no_answer")}
      </dd>
      <dt>{t("ops.record.changes")}</dt>
      <dd>{t("ops.record.changes_value", { saved: record.saved_change, changes: record.changes })}</dd>
      {record.registry_id ? (
        <>
          <dt>{t("ops.record.registry_id")}</dt>
          <dd className="code">{record.registry_id}</dd>
        </>
      ) : null}
      <dt>{t("ops.record.last_attempt")}</dt>
      <dd>{dateTime(record.last_attempt_at)}</dd>
      {record.next_attempt_at ? (
        <>
          <dt>{t("ops.record.next_attempt")}</dt>
          <dd>{dateTime(record.next_attempt_at)}</dd>
        </>
      ) : null}
      {record.sent_at ? (
        <>
          <dt>{t("ops.record.sent_at")}</dt>
          <dd>{dateTime(record.sent_at)}</dd>
        </>
      ) : null}
    </dl>
  );
}

function SendRecord() {
  const { t, day } = useI18n();
  const { id = "" } = useParams();
  const record = useAsync(() => call(api().GET("/integrations/sends/{id}", { params: { path: { id } } })), [id]);
  const action = useAction();
  const [due, setDue] = useState<number | null>(null);
  const [watchUntil, setWatchUntil] = useState(0);
  const [attemptsAtRun, setAttemptsAtRun] = useState(0);
  const reload = useRef(record.reload);
  reload.current = record.reload;
  useTitle(record.data ? t("ops.record.title", { key: record.data.key }) : t("ops.sends.title"));

  const pending = record.data?.state === "pending";
  const attemptedSince = (record.data?.attempts ?? 0) > attemptsAtRun;
  const watching = watchUntil > 0 && (pending || !attemptedSince);
  useEffect(() => {
    if (!watching) return undefined;
    const timer = window.setInterval(() => {
      if (Date.now() > watchUntil) setWatchUntil(0);
      else void reload.current();
    }, WATCH_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [watching, watchUntil]);

  async function rerun() {
    const data = record.data;
    if (!data) return;
    setDue(null);
    setAttemptsAtRun(data.attempts);
    let queued = 0;
    const ok = await action.run(async () => {
      const answer = await call(
        api().POST("/integrations/{target}/run", { params: { path: { target: data.target as Target } }, body: { date: data.date } }),
      );
      queued = answer.records_due;
      setDue(answer.records_due);
    });
    if (!ok) return;
    // Nothing of the day was due: there is no attempt to wait for.
    if (queued > 0) setWatchUntil(Date.now() + WATCH_FOR_MS);
    await record.reload();
  }

  if (record.loading && !record.data) return <Loading />;
  if (!record.data) return <ProblemAlert error={record.error} />;
  const data = record.data;
  return (
    <>
      <p>
        <Link to={`/ops/sends?target=${encodeURIComponent(data.target)}&date=${encodeURIComponent(data.date)}`}>{t("ops.record.back")}</Link>
      </p>
      <h1>{t("ops.record.title", { key: data.key })}</h1>
      <OpsSections />
      <ProblemAlert error={record.error} />
      <Facts record={data} />
      <div className="ops-actions">
        {data.state !== "sent" ? (
          <button type="button" onClick={() => void rerun()} disabled={action.busy}>
            {t("ops.run.day", { day: day(data.date) })}
          </button>
        ) : null}
        <button type="button" className="button-secondary" onClick={() => void record.reload()}>
          {t("ops.record.refresh")}
        </button>
      </div>
      <ProblemAlert error={action.error} />
      {due !== null ? (
        <Notice kind="success">{t("ops.run.done", { count: due, target: t(targetKey(data.target)), day: day(data.date) })}</Notice>
      ) : null}
      {watching ? <Loading label={t("ops.run.waiting")} /> : null}
      <section aria-labelledby="ops-answers-heading">
        <h2 id="ops-answers-heading">{t("ops.record.answers")}</h2>
        <Answers answers={data.answers} />
      </section>
      <section aria-labelledby="ops-body-heading">
        <h2 id="ops-body-heading">{t("ops.record.body")}</h2>
        <pre className="ops-answer card">{answerText(data.record)}</pre>
      </section>
    </>
  );
}

export default loggedInPage(SendRecord, { staff: true });
