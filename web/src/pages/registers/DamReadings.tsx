/**
 * A dam's daily readings: a range of days as a chart (with its thresholds) and as a table; a
 * dam operator enters one day, or imports a CSV file whose bad rows are shown where they are.
 */
import { useMemo, useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import { ApiError } from "../../api/problems";
import { EmptyState, Loading, Notice, ProblemAlert } from "../../components/Feedback";
import { Input } from "../../components/Input";
import { parseDecimal } from "../../forms/rules";
import { useAction } from "../../hooks/useAction";
import { useAsync } from "../../hooks/useAsync";
import { todayInJakarta } from "../../i18n/format";
import { useI18n } from "../../i18n/I18n";
import {
  CSV_HEADER, READING_COLUMNS, daysBefore, fieldWords, levelThresholds, problemWords, rowsWithProblems,
  type CsvRow, type Dam, type ReadingColumn, type ReadingRequest,
} from "./model";
import { ReadingsChart } from "./ReadingsChart";
import { useThresholdWords, useWord } from "./words";
import { Table } from "./Table";

const DEFAULT_DAYS = 30;

export function DamReadings({ dam, canEnter }: { dam: Dam; canEnter: boolean }) {
  const { t, day, number } = useI18n();
  const word = useWord();
  const thresholdWords = useThresholdWords();
  const today = todayInJakarta();
  const [range, setRange] = useState({ from: daysBefore(today, DEFAULT_DAYS - 1), to: today });
  const [typed, setTyped] = useState(range);
  const [column, setColumn] = useState<ReadingColumn>("level_m");
  const readings = useAsync(
    () => call(api().GET("/assets/{id}/readings", { params: { path: { id: dam.id }, query: { from: range.from, to: range.to } } })),
    [dam.id, range.from, range.to],
  );
  const thresholds = useMemo(() => levelThresholds(dam), [dam]);
  const items = useMemo(() => readings.data?.items ?? [], [readings.data]);

  const [rangeError, setRangeError] = useState<string | null>(null);
  function show(event: FormEvent) {
    event.preventDefault();
    if (!typed.from || !typed.to || typed.from > typed.to) {
      setRangeError(t("dams.range_order"));
      return;
    }
    setRangeError(null);
    setRange(typed);
  }
  // The API's own limits (a year at most) are said beside the range, not as a bare "not right".
  const apiRange = readings.error instanceof ApiError ? readings.error.fieldErrors.find((e) => e.field === "to" || e.field === "from") : undefined;
  const rangeProblem = rangeError ?? (apiRange ? problemWords(apiRange, t) : null);

  return (
    <section className="card" aria-labelledby="readings-heading">
      <h2 id="readings-heading">{t("dams.readings")}</h2>
      <form className="filters" onSubmit={show} noValidate aria-label={t("dams.readings_range")}>
        <div className="filter">
          <label htmlFor="readings-from">{t("dams.from")}</label>
          <input id="readings-from" type="date" value={typed.from} max={today} onChange={(e) => setTyped({ ...typed, from: e.target.value })} />
        </div>
        <div className="filter">
          <label htmlFor="readings-to">{t("dams.to")}</label>
          <input id="readings-to" type="date" value={typed.to} max={today} onChange={(e) => setTyped({ ...typed, to: e.target.value })} />
        </div>
        <div className="filter">
          <label htmlFor="readings-column">{t("dams.chart_of")}</label>
          <select id="readings-column" value={column} onChange={(e) => setColumn(e.target.value as ReadingColumn)}>
            {READING_COLUMNS.map((name) => (
              <option key={name} value={name}>{word("reading", name)}</option>
            ))}
          </select>
        </div>
        <button type="submit" className="button-secondary">{t("dams.show")}</button>
      </form>
      {rangeProblem ? <p className="field-error" role="alert">{rangeProblem}</p> : <ProblemAlert error={readings.error} />}
      {readings.loading && !readings.data ? <Loading /> : null}
      {readings.data && items.length === 0 ? <EmptyState>{t("dams.readings_none")}</EmptyState> : null}
      {items.length > 0 ? (
        <>
          <ReadingsChart readings={items} column={column} thresholds={thresholds} />
          {thresholds.length > 0 ? (
            <p className="meta">
              {t("dams.thresholds")}: {thresholdWords(thresholds)}
            </p>
          ) : null}
          <details className="readings-table">
            <summary>{t("dams.readings_table")}</summary>
            <Table caption={t("dams.readings_caption", { from: day(range.from), to: day(range.to) })} headers={[t("dams.date"), ...READING_COLUMNS.map((name) => word("reading", name))]}>
              {items.map((reading) => (
                <tr key={reading.date}>
                  <th scope="row">{day(reading.date)}</th>
                  {READING_COLUMNS.map((name) => {
                    const value = reading[name];
                    return <td key={name}>{value === null || value === undefined ? "—" : number(value)}</td>;
                  })}
                </tr>
              ))}
            </Table>
          </details>
        </>
      ) : null}
      {canEnter ? <ReadingEntry dam={dam} onSaved={() => void readings.reload()} /> : null}
      {canEnter ? <ReadingImport dam={dam} onImported={() => void readings.reload()} /> : null}
    </section>
  );
}

function ReadingEntry({ dam, onSaved }: { dam: Dam; onSaved: () => void }) {
  const { t, language, day } = useI18n();
  const word = useWord();
  const action = useAction();
  const today = todayInJakarta();
  const [date, setDate] = useState(today);
  const [values, setValues] = useState<Record<ReadingColumn, string>>({
    level_m: "", inflow_m3s: "", outflow_m3s: "", rainfall_mm: "", seepage_ls: "",
  });
  const [saved, setSaved] = useState<string | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    const body: ReadingRequest = {};
    const refused: Record<string, string> = {};
    for (const name of READING_COLUMNS) {
      if (!values[name].trim()) continue;
      const value = parseDecimal(values[name], language);
      if (value === null) refused[name] = t("dams.not_a_number");
      else body[name] = value;
    }
    if (!date) refused.date = t("dams.date_required");
    if (Object.keys(refused).length > 0) return action.refuse(refused);
    const ok = await action.run(() =>
      call(api().PUT("/assets/{id}/readings/{date}", { params: { path: { id: dam.id, date } }, body })),
    );
    if (ok) {
      setSaved(date);
      onSaved();
    }
  }

  const errors = { ...action.fieldErrors, ...fieldWords(action.error, t) };
  return (
    <details className="reading-entry">
      <summary>{t("dams.enter_reading")}</summary>
      <form onSubmit={save} noValidate>
        <Input label={t("dams.date")} type="date" value={date} max={today} required
          onChange={(e) => setDate(e.target.value)} error={errors.date} />
        <div className="reading-grid">
          {READING_COLUMNS.map((name) => (
            <Input key={name} label={word("reading", name)} inputMode="decimal" value={values[name]}
              onChange={(e) => setValues({ ...values, [name]: e.target.value })} error={errors[name]} />
          ))}
        </div>
        <ProblemAlert error={action.error} />
        {saved ? <Notice kind="success">{t("dams.reading_saved", { day: day(saved) })}</Notice> : null}
        <button type="submit" disabled={action.busy}>{t("dams.save_reading")}</button>
      </form>
    </details>
  );
}

function ReadingImport({ dam, onImported }: { dam: Dam; onImported: () => void }) {
  const { t, day } = useI18n();
  const word = useWord();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [result, setResult] = useState<{ imported: number; first: string; last: string; alert: string | null } | null>(null);
  const [bad, setBad] = useState<{ rows: CsvRow[]; general: string[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function choose(chosen: File | undefined) {
    setResult(null);
    setBad(null);
    setError(null);
    setFile(chosen ? { name: chosen.name, text: await chosen.text() } : null);
  }

  async function send(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setResult(null);
    setBad(null);
    setError(null);
    try {
      const answer = await call(
        api().POST("/assets/{id}/readings/import", {
          params: { path: { id: dam.id } },
          body: file.text,
          bodySerializer: (text: string) => text,
          headers: { "Content-Type": "text/csv" },
        }),
      );
      setResult(answer);
      onImported();
    } catch (failure) {
      if (failure instanceof ApiError && failure.fieldErrors.length > 0) {
        setBad(rowsWithProblems(file.text, failure.fieldErrors.map((e) => ({ field: e.field, message: problemWords(e, t) }))));
      } else {
        setError(failure);
      }
    } finally {
      setBusy(false);
    }
  }

  const badRows = bad?.rows.filter((row) => row.problems.length > 0) ?? [];
  return (
    <details className="reading-import">
      <summary>{t("dams.import")}</summary>
      <form onSubmit={send}>
        <p className="field-help">{t("dams.import_help")} <code>{CSV_HEADER}</code></p>
        <div className="field">
          <label htmlFor="readings-file">{t("dams.import_file")}</label>
          <input id="readings-file" type="file" accept=".csv,text/csv" onChange={(e) => void choose(e.target.files?.[0])} />
        </div>
        <button type="submit" disabled={!file || busy}>{t("dams.import_send")}</button>
      </form>
      <ProblemAlert error={error} />
      {result ? (
        <Notice kind={result.alert ? "warning" : "success"}>
          {t("dams.imported", { count: result.imported, first: day(result.first), last: day(result.last) })}
          {result.alert ? ` ${t("dams.import_alert", { band: word("band", result.alert) })}` : null}
        </Notice>
      ) : null}
      {bad ? (
        <div className="alert alert-error" role="alert">
          <p>{t("dams.import_refused", { count: badRows.length })}</p>
          {bad.general.map((message) => <p key={message}>{message}</p>)}
        </div>
      ) : null}
      {bad && bad.rows.length > 0 ? (
        <Table caption={t("dams.import_rows", { file: file?.name ?? "" })} headers={[t("dams.row"), t("dams.row_text"), t("dams.row_problem")]} className="csv-rows">
          {bad.rows.map((row) => (
            <tr key={row.number} className={row.problems.length > 0 ? "row-bad" : undefined}>
              <th scope="row">{row.number}</th>
              <td><code>{row.text}</code></td>
              <td>
                {row.problems.length === 0 ? <span className="meta">—</span> : (
                  <ul className="plain-list">
                    {row.problems.map((p) => (
                      <li key={p.column + p.message}>
                        {p.column ? <strong>{p.column === "date" ? t("dams.date") : word("reading", p.column)}: </strong> : null}
                        {p.message}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </Table>
      ) : null}
    </details>
  );
}
