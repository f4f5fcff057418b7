/**
 * A dam's inspections, newest first: findings with their severity, recommendations with their
 * follow-up and due date (overdue marked); its staff move a recommendation on, and its
 * inspectors record an inspection (InspectionForm).
 */
import { useState } from "react";
import { api, call } from "../../api/client";
import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { MoreButton } from "../../components/MoreButton";
import { useAction } from "../../hooks/useAction";
import type { PagedList } from "../../hooks/usePagedList";
import { useI18n } from "../../i18n/I18n";
import type { FollowUpStatus, Inspection, Recommendation } from "./model";
import { Badge, useWord } from "./words";
import { Table } from "./Table";

export function DamInspections({
  damId,
  list,
  canFollowUp,
  form,
}: {
  damId: string;
  list: PagedList<Inspection>;
  canFollowUp: boolean;
  form: React.ReactNode;
}) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="inspections-heading">
      <h2 id="inspections-heading">{t("dams.inspections")}</h2>
      {form}
      <ProblemAlert error={list.error} />
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && list.items.length === 0 ? <EmptyState>{t("dams.inspections_none")}</EmptyState> : null}
      <ol className="inspection-list">
        {list.items.map((inspection) => (
          <li key={inspection.id}>
            <InspectionItem
              damId={damId}
              inspection={inspection}
              canFollowUp={canFollowUp}
              onChanged={(changed) => list.setItems((items) => items.map((i) => (i.id === changed.id ? changed : i)))}
            />
          </li>
        ))}
      </ol>
      <MoreButton list={list} />
    </section>
  );
}

function InspectionItem({
  damId, inspection, canFollowUp, onChanged,
}: { damId: string; inspection: Inspection; canFollowUp: boolean; onChanged: (changed: Inspection) => void }) {
  const { t, day, dateTime } = useI18n();
  const word = useWord();
  const heading = `${word("inspectionKind", inspection.kind)} · ${day(inspection.date)}`;
  return (
    <article className="inspection" aria-label={heading}>
      <h3>{heading}</h3>
      <p className="meta">
        {inspection.cause ? `${inspection.cause} · ` : null}
        {t("dams.inspectors")}: {inspection.inspectors.join(", ")} · {t("dams.recorded", { who: inspection.recorded_by, when: dateTime(inspection.recorded_at) })}
        {inspection.next_due ? ` · ${t("dams.next_due", { day: day(inspection.next_due) })}` : null}
      </p>
      {inspection.findings.length > 0 ? (
        <Table caption={t("dams.findings")} headers={[t("dams.finding"), t("dams.severity")]}>
          {inspection.findings.map((finding, index) => (
            <tr key={index}>
              <td>{finding.text}</td>
              <td><Badge kind="severity" value={finding.severity} /></td>
            </tr>
          ))}
        </Table>
      ) : <p className="meta">{t("dams.findings_none")}</p>}
      {inspection.recommendations.length > 0 ? (
        <Table caption={t("dams.recommendations")} headers={[t("dams.recommendation"), t("dams.due_date"), t("dams.followup")]}>
          {inspection.recommendations.map((rec) => (
            <RecommendationRow key={rec.index} damId={damId} inspection={inspection} rec={rec} canFollowUp={canFollowUp} onChanged={onChanged} />
          ))}
        </Table>
      ) : null}
    </article>
  );
}

const FOLLOW_UPS: FollowUpStatus[] = ["open", "in_progress", "done"];

function RecommendationRow({
  damId, inspection, rec, canFollowUp, onChanged,
}: { damId: string; inspection: Inspection; rec: Recommendation; canFollowUp: boolean; onChanged: (changed: Inspection) => void }) {
  const { t, day, dateTime } = useI18n();
  const word = useWord();
  const action = useAction();
  const [status, setStatus] = useState(rec.status as FollowUpStatus);
  const last = rec.changes[rec.changes.length - 1];

  async function move() {
    await action.run(async () => {
      const changed = await call(
        api().PATCH("/assets/{id}/inspections/{inspection_id}", {
          params: { path: { id: damId, inspection_id: inspection.id } },
          body: { recommendations: [{ index: rec.index, status }] },
        }),
      );
      onChanged(changed);
    });
  }

  return (
    <tr className={rec.overdue ? "row-overdue" : undefined}>
      <td>{rec.text}</td>
      <td>
        {day(rec.due_date)}
        {rec.overdue ? <> <Badge kind="obligation" value="overdue" /></> : null}
      </td>
      <td>
        <Badge kind="followUp" value={rec.status} />
        {last ? <p className="meta">{t("dams.followup_by", { who: last.actor, when: dateTime(last.at) })}</p> : null}
        {canFollowUp ? (
          <div className="inline-form">
            <label className="visually-hidden" htmlFor={`follow-${inspection.id}-${rec.index}`}>
              {t("dams.followup_label", { text: rec.text })}
            </label>
            <select id={`follow-${inspection.id}-${rec.index}`} value={status} onChange={(e) => setStatus(e.target.value as FollowUpStatus)}>
              {FOLLOW_UPS.map((value) => <option key={value} value={value}>{word("followUp", value)}</option>)}
            </select>
            <button type="button" className="button-secondary" disabled={action.busy || status === rec.status} onClick={() => void move()}>
              {t("dams.followup_save")}
            </button>
          </div>
        ) : null}
        <ProblemAlert error={action.error} />
      </td>
    </tr>
  );
}
