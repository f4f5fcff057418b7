/** Record an inspection of a dam (its inspectors): findings and recommendations as many rows as needed. */
import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import { Notice, ProblemAlert } from "../../components/Feedback";
import { Input, TextArea } from "../../components/Input";
import { useAction } from "../../hooks/useAction";
import { todayInJakarta } from "../../i18n/format";
import { useI18n } from "../../i18n/I18n";
import { fieldWords, type Inspection, type InspectionRequest } from "./model";
import { useWord } from "./words";

type Kind = InspectionRequest["kind"];
type Severity = NonNullable<InspectionRequest["findings"]>[number]["severity"];
const KINDS: Kind[] = ["routine", "periodic", "special"];
const SEVERITIES: Severity[] = ["low", "medium", "high", "critical"];

function withoutEmptyTail<T>(rows: T[], empty: (row: T) => boolean): T[] {
  let end = rows.length;
  while (end > 0 && empty(rows[end - 1] as T)) end -= 1;
  return rows.slice(0, end);
}

export function InspectionForm({ damId, onRecorded }: { damId: string; onRecorded: (inspection: Inspection) => void }) {
  const { t } = useI18n();
  const word = useWord();
  const action = useAction();
  const today = todayInJakarta();
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<Kind>("routine");
  const [cause, setCause] = useState("");
  const [date, setDate] = useState(today);
  const [inspectors, setInspectors] = useState("");
  const [findings, setFindings] = useState<{ text: string; severity: Severity }[]>([{ text: "", severity: "low" }]);
  const [recommendations, setRecommendations] = useState<{ text: string; due_date: string }[]>([{ text: "", due_date: "" }]);
  const [nextDue, setNextDue] = useState("");
  const [recorded, setRecorded] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    setRecorded(false);
    const body: InspectionRequest = {
      kind,
      cause: kind === "special" ? cause.trim() || null : null,
      date,
      inspectors: inspectors.split(/[\n,]/).map((name) => name.trim()).filter(Boolean),
      // Rows left empty at the end are not sent; one left empty between others is (and refused there).
      findings: withoutEmptyTail(findings, (f) => !f.text.trim()).map((f) => ({ text: f.text.trim(), severity: f.severity })),
      recommendations: withoutEmptyTail(recommendations, (r) => !r.text.trim() && !r.due_date)
        .map((r) => ({ text: r.text.trim(), due_date: r.due_date })),
      next_due: nextDue || null,
    };
    const ok = await action.run(async () => onRecorded(await call(api().POST("/assets/{id}/inspections", { params: { path: { id: damId } }, body }))));
    if (ok) {
      setRecorded(true);
      setOpen(false);
      setFindings([{ text: "", severity: "low" }]);
      setRecommendations([{ text: "", due_date: "" }]);
      setCause("");
      setNextDue("");
    }
  }

  const errors = { ...action.fieldErrors, ...fieldWords(action.error, t) };
  return (
    <>
      {recorded ? <Notice kind="success">{t("dams.inspection_recorded")}</Notice> : null}
      <details className="inspection-form" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>{t("dams.record_inspection")}</summary>
        <form onSubmit={save} noValidate>
          <div className="field">
            <label htmlFor="inspection-kind">{t("dams.inspection_kind")}</label>
            <select id="inspection-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              {KINDS.map((value) => <option key={value} value={value}>{word("inspectionKind", value)}</option>)}
            </select>
          </div>
          {kind === "special" ? <Input label={t("dams.cause")} value={cause} onChange={(e) => setCause(e.target.value)} error={errors.cause} /> : null}
          <Input label={t("dams.inspection_date")} type="date" max={today} required value={date} onChange={(e) => setDate(e.target.value)} error={errors.date} />
          <TextArea label={t("dams.inspectors")} help={t("dams.inspectors_help")} required rows={2} value={inspectors}
            onChange={(e) => setInspectors(e.target.value)} error={errors.inspectors} />
          <fieldset>
            <legend>{t("dams.findings")}</legend>
            {findings.map((finding, index) => (
              <div className="repeat-row" key={index}>
                <Input label={t("dams.finding_n", { n: index + 1 })} value={finding.text} error={errors[`findings.${index}.text`]}
                  onChange={(e) => setFindings(findings.map((f, i) => (i === index ? { ...f, text: e.target.value } : f)))} />
                <div className="field">
                  <label htmlFor={`finding-severity-${index}`}>{t("dams.severity_n", { n: index + 1 })}</label>
                  <select id={`finding-severity-${index}`} value={finding.severity}
                    onChange={(e) => setFindings(findings.map((f, i) => (i === index ? { ...f, severity: e.target.value as Severity } : f)))}>
                    {SEVERITIES.map((value) => <option key={value} value={value}>{word("severity", value)}</option>)}
                  </select>
                </div>
              </div>
            ))}
            <button type="button" className="link-button" onClick={() => setFindings([...findings, { text: "", severity: "low" }])}>
              {t("dams.add_finding")}
            </button>
          </fieldset>
          <fieldset>
            <legend>{t("dams.recommendations")}</legend>
            {recommendations.map((rec, index) => (
              <div className="repeat-row" key={index}>
                <Input label={t("dams.recommendation_n", { n: index + 1 })} value={rec.text} error={errors[`recommendations.${index}.text`]}
                  onChange={(e) => setRecommendations(recommendations.map((r, i) => (i === index ? { ...r, text: e.target.value } : r)))} />
                <Input label={t("dams.due_date_n", { n: index + 1 })} type="date" value={rec.due_date} error={errors[`recommendations.${index}.due_date`]}
                  onChange={(e) => setRecommendations(recommendations.map((r, i) => (i === index ? { ...r, due_date: e.target.value } : r)))} />
              </div>
            ))}
            <button type="button" className="link-button" onClick={() => setRecommendations([...recommendations, { text: "", due_date: "" }])}>
              {t("dams.add_recommendation")}
            </button>
          </fieldset>
          <Input label={t("dams.next_inspection")} type="date" value={nextDue} onChange={(e) => setNextDue(e.target.value)} error={errors.next_due} />
          <ProblemAlert error={action.error} />
          <button type="submit" disabled={action.busy}>{t("dams.save_inspection")}</button>
        </form>
      </details>
    </>
  );
}
