/**
 * The registries' send log for ops: filters (target, status, the day the data is about) kept in
 * the address, so a filtered view can be shared and survives a reload; each record opens on its
 * own page with the registry's answers; a day can be re-run from here.
 */
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { loggedInPage } from "../../auth/loggedIn";
import { api, call } from "../../api/client";
import { EmptyState, Loading, Notice, ProblemAlert } from "../../components/Feedback";
import { Input } from "../../components/Input";
import { MoreButton } from "../../components/MoreButton";
import { useAction } from "../../hooks/useAction";
import { usePagedList } from "../../hooks/usePagedList";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { OpsSections, STATES, StateBadge, TARGETS, targetKey, type SendRecord, type SendState, type Target } from "./shared";

type SendPage = { items: SendRecord[]; next_cursor: string | null };

function pick<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return value && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function TargetOptions() {
  const { t } = useI18n();
  return (
    <>
      {TARGETS.map((value) => (
        <option key={value} value={value}>
          {t(targetKey(value))}
        </option>
      ))}
    </>
  );
}

export function RunDay({ initialTarget, initialDay, onDone }: { initialTarget?: Target; initialDay?: string; onDone?: () => void }) {
  const { t, day: showDay } = useI18n();
  const [target, setTarget] = useState<Target>(initialTarget ?? "bios");
  const [day, setDay] = useState(initialDay ?? "");
  const [done, setDone] = useState<{ target: string; date: string | null; records_due: number } | null>(null);
  const action = useAction();

  async function run(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    const ok = await action.run(async () => {
      const answer = await call(
        api().POST("/integrations/{target}/run", { params: { path: { target } }, body: { date: day || null } }),
      );
      setDone(answer);
    });
    if (ok) onDone?.();
  }

  return (
    <section className="card" aria-labelledby="ops-run-heading">
      <h2 id="ops-run-heading">{t("ops.run.title")}</h2>
      <p className="meta">{t("ops.run.help")}</p>
      <form className="filters" onSubmit={(e) => void run(e)}>
        <div className="filter">
          <label htmlFor="ops-run-target">{t("ops.run.target")}</label>
          <select id="ops-run-target" value={target} onChange={(e) => setTarget(e.target.value as Target)}>
            <TargetOptions />
          </select>
        </div>
        <div className="filter">
          <Input label={t("ops.run.date")} type="date" value={day} onChange={(e) => setDay(e.target.value)} error={action.fieldErrors.date} />
        </div>
        <button type="submit" disabled={action.busy}>
          {t("ops.run.submit")}
        </button>
      </form>
      <ProblemAlert error={action.fieldErrors.date ? null : action.error} />
      {done ? (
        <Notice kind="success">
          {done.date
            ? t("ops.run.done", { count: done.records_due, target: t(targetKey(done.target)), day: showDay(done.date) })
            : t("ops.run.done_all", { count: done.records_due, target: t(targetKey(done.target)) })}
        </Notice>
      ) : null}
    </section>
  );
}

function Sends() {
  const { t, day: showDay } = useI18n();
  const [params, setParams] = useSearchParams();
  const target = pick(params.get("target"), TARGETS);
  const status = pick<SendState>(params.get("status"), STATES);
  const date = params.get("date") && DAY.test(params.get("date") ?? "") ? (params.get("date") as string) : undefined;
  const [typedDate, setTypedDate] = useState(date ?? "");
  useTitle(t("ops.sends.title"));

  const list = usePagedList<SendRecord, SendPage>(
    (cursor) =>
      call(api().GET("/integrations/sends", { params: { query: { target, status, date, cursor: cursor ?? undefined, limit: 50 } } })),
    [target, status, date],
  );

  function setFilter(name: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  }

  function applyDate(event: FormEvent) {
    event.preventDefault();
    setFilter("date", typedDate);
  }

  const filtered = !!(target || status || date);
  return (
    <>
      <h1>{t("ops.sends.title")}</h1>
      <OpsSections />
      <form className="filters card" onSubmit={applyDate} aria-label={t("ops.sends.filters")}>
        <div className="filter">
          <label htmlFor="ops-target">{t("ops.sends.target")}</label>
          <select id="ops-target" value={target ?? ""} onChange={(e) => setFilter("target", e.target.value)}>
            <option value="">{t("ops.sends.all_targets")}</option>
            <TargetOptions />
          </select>
        </div>
        <div className="filter">
          <label htmlFor="ops-status">{t("ops.sends.status")}</label>
          <select id="ops-status" value={status ?? ""} onChange={(e) => setFilter("status", e.target.value)}>
            <option value="">{t("ops.sends.all_statuses")}</option>
            {STATES.map((value) => (
              <option key={value} value={value}>
                {t(`ops.state.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="ops-date">{t("ops.sends.date")}</label>
          <input id="ops-date" type="date" value={typedDate} onChange={(e) => setTypedDate(e.target.value)} />
        </div>
        <button type="submit">{t("ops.sends.apply")}</button>
        {filtered ? (
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              setTypedDate("");
              setParams(new URLSearchParams());
            }}
          >
            {t("ops.sends.clear")}
          </button>
        ) : null}
      </form>
      <ProblemAlert error={list.error} />
      {list.loading && list.items.length === 0 ? (
        <Loading />
      ) : list.items.length === 0 && !list.error ? (
        <EmptyState>{t("ops.sends.none")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="ops-table">
            <caption>{t("ops.sends.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("ops.sends.date")}</th>
                <th scope="col">{t("ops.sends.target")}</th>
                <th scope="col">{t("ops.sends.key")}</th>
                <th scope="col">{t("ops.sends.status")}</th>
                <th scope="col">{t("ops.sends.attempts")}</th>
                <th scope="col">{t("ops.sends.last_answer")}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((record) => (
                <tr key={record.id}>
                  <td>{showDay(record.date)}</td>
                  <td>
                    {t(targetKey(record.target))}
                    <div className="meta code">{record.dataset}</div>
                  </td>
                  <td>
                    <Link to={`/ops/sends/${record.id}`} aria-label={t("ops.sends.open", { key: record.key })} className="code">
                      {record.key}
                    </Link>
                  </td>
                  <td>
                    <StateBadge state={record.state} />
                  </td>
                  <td>{record.attempts}</td>
                  <td>
                    {record.last_http_status !== null || record.last_code ? (
                      <span className="code">
                        {[record.last_http_status, record.last_code].filter((part) => part !== null).join(" · ")}
                      </span>
                    ) : null}{" "}
                    {record.last_message ?? (record.attempts === 0 ? t("ops.sends.no_answer") : "")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <MoreButton list={list} />
      <RunDay initialTarget={target} initialDay={date} onDone={() => void list.reload()} />
    </>
  );
}

export default loggedInPage(Sends, { staff: true });
