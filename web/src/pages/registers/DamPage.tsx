/**
 * One dam: what is overdue (summed at the top, for its staff), technical data, where it is
 * (coordinates, region names, a link out to OpenStreetMap: no map is loaded here), its status
 * and history, its permits (every application naming it), monitoring obligations, readings,
 * inspections and technical documents. The public sees its public facts only (the API decides: `access`).
 */
import { useMemo, type ReactNode } from "react";
import { Link, useParams } from "react-router";
import { api, call } from "../../api/client";
import { holds, useAuth } from "../../auth/Auth";
import { Loading, Notice, ProblemAlert } from "../../components/Feedback";
import { MoreButton } from "../../components/MoreButton";
import { useAsync } from "../../hooks/useAsync";
import { usePagedList, type PagedList } from "../../hooks/usePagedList";
import { useTitle } from "../../hooks/useTitle";
import { todayInJakarta } from "../../i18n/format";
import type { MessageKey } from "../../i18n/catalogue";
import { useI18n } from "../../i18n/I18n";
import { Fact } from "../applications/shared";
import { DamDocuments } from "./DamDocuments";
import { DamEditForm } from "./DamEditForm";
import { DamInspections } from "./DamInspections";
import { DamPermits } from "./DamPermits";
import { DamReadings } from "./DamReadings";
import { InspectionForm } from "./InspectionForm";
import { levelThresholds, mapLink, overdueAt, type Dam, type DamChange, type DamHistory, type Inspection, type InspectionList, type Obligation } from "./model";
import { regionNames, useRegions } from "./regions";
import { Badge, useThresholdWords, useWord } from "./words";
import { Table } from "./Table";

export default function DamPage() {
  const { id = "" } = useParams();
  const { t } = useI18n();
  const dam = useAsync(() => call(api().GET("/assets/{id}", { params: { path: { id } } })), [id]);
  useTitle(dam.data?.name ?? t("dams.title"));
  const found = dam.data;
  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label={t("nav.breadcrumbs")}>
        <Link to="/dams">{t("dams.title")}</Link>
      </nav>
      <ProblemAlert error={dam.error} />
      {dam.loading && !found ? <Loading /> : null}
      {found ? <DamView dam={found} onChanged={dam.set} /> : null}
    </div>
  );
}

function DamView({ dam, onChanged }: { dam: Dam; onChanged: (dam: Dam) => void }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const staff = dam.access === "staff";
  return (
    <>
      <h1>{dam.name}</h1>
      <p className="lead">
        <Badge kind="damStatus" value={dam.status} /> {dam.register_code ? <span className="code">{dam.register_code}</span> : null}
      </p>
      {staff ? <StaffDam dam={dam} me={me} onChanged={onChanged} /> : (
        <>
          <Notice>{t("dams.public_only")}</Notice>
          <TechnicalData dam={dam} />
          <Location dam={dam} />
        </>
      )}
    </>
  );
}

function StaffDam({ dam, me, onChanged }: { dam: Dam; me: ReturnType<typeof useAuth>["me"]; onChanged: (dam: Dam) => void }) {
  const path = { params: { path: { id: dam.id } } };
  // Newest first, a page at a time: a dam's history grows with every upload and inspection.
  const history = usePagedList<DamChange, DamHistory>(
    (cursor) => call(api().GET("/assets/{id}/history", { params: { path: { id: dam.id }, query: { order: "newest", limit: 50, cursor: cursor ?? undefined } } })),
    [dam.id, dam.version],
  );
  const obligations = useAsync(() => call(api().GET("/assets/{id}/obligations", path)), [dam.id]);
  const inspections = usePagedList<Inspection, InspectionList>(
    (cursor) => call(api().GET("/assets/{id}/inspections", { params: { path: { id: dam.id }, query: { cursor: cursor ?? undefined, limit: 50 } } })),
    [dam.id],
  );
  const canUpload = holds(me, "dam_registrar") || holds(me, "dam_operator") || holds(me, "dam_inspector");
  return (
    <>
      {/* Said only once both are read: a list that failed to load is no proof that nothing is late. */}
      {inspections.first !== undefined && obligations.data !== undefined && !inspections.error ? (
        <OverdueSummary overdue={overdueAt(inspections.items, obligations.data.items, todayInJakarta())} />
      ) : null}
      <TechnicalData dam={dam}>{holds(me, "dam_registrar") ? <DamEditForm dam={dam} onSaved={onChanged} /> : null}</TechnicalData>
      <Location dam={dam} />
      <StatusHistory list={history} />
      <DamPermits damId={dam.id} />
      <Obligations items={obligations.data?.items} error={obligations.error} />
      <DamReadings dam={dam} canEnter={holds(me, "dam_operator")} />
      <DamInspections
        damId={dam.id}
        list={inspections}
        canFollowUp={canUpload}
        form={holds(me, "dam_inspector") ? (
          <InspectionForm damId={dam.id} onRecorded={(made) => {
            inspections.setItems((items) => [made, ...items]);
            void history.reload(); // its history has a line for it
          }} />
        ) : null}
      />
      <DamDocuments damId={dam.id} canUpload={canUpload} />
    </>
  );
}

function OverdueSummary({ overdue }: { overdue: ReturnType<typeof overdueAt> }) {
  const { t, day } = useI18n();
  if (overdue.total === 0) return <Notice kind="success">{t("dams.overdue_none")}</Notice>;
  return (
    <section className="alert alert-warning overdue-summary" aria-labelledby="overdue-heading">
      <h2 id="overdue-heading">{t("dams.overdue_total", { count: overdue.total })}</h2>
      <ul>
        {overdue.recommendations > 0 ? <li><a href="#inspections-heading">{t("dams.overdue_recommendations", { count: overdue.recommendations })}</a></li> : null}
        {overdue.obligations > 0 ? <li><a href="#obligations-heading">{t("dams.overdue_obligations", { count: overdue.obligations })}</a></li> : null}
        {overdue.inspectionDue ? <li><a href="#inspections-heading">{t("dams.overdue_inspection", { day: day(overdue.inspectionDue) })}</a></li> : null}
      </ul>
    </section>
  );
}

function measure(value: number | null | undefined, unit: string, number: (n: number) => string): string {
  return value === null || value === undefined ? "—" : `${number(value)} ${unit}`;
}

function TechnicalData({ dam, children }: { dam: Dam; children?: ReactNode }) {
  const { t, number } = useI18n();
  const word = useWord();
  const staff = dam.access === "staff";
  const thresholds = levelThresholds(dam);
  const thresholdWords = useThresholdWords();
  return (
    <section className="card" aria-labelledby="technical-heading">
      <h2 id="technical-heading">{t("dams.technical")}</h2>
      <dl className="facts">
        <Fact term={t("dams.type")}>{word("damType", dam.type)}</Fact>
        <Fact term={t("dams.purposes")}>{dam.purposes.map((p) => word("purpose", p)).join(", ")}</Fact>
        <Fact term={t("dams.status")}>{word("damStatus", dam.status)}</Fact>
        {staff ? (
          <>
            <Fact term={t("dams.register_code")}>{dam.register_code ?? "—"}</Fact>
            <Fact term={t("dams.river_basin")}>{dam.river_basin ?? "—"}</Fact>
            <Fact term={t("dams.hazard_class")}><Badge kind="hazard" value={dam.hazard_class} /></Fact>
            <Fact term={t("dams.height")}>{measure(dam.height_m, "m", number)}</Fact>
            <Fact term={t("dams.crest_length")}>{measure(dam.crest_length_m, "m", number)}</Fact>
            <Fact term={t("dams.volume")}>{measure(dam.reservoir_volume_m3, "m³", number)}</Fact>
            <Fact term={t("dams.catchment")}>{measure(dam.catchment_km2, "km²", number)}</Fact>
            <Fact term={t("dams.year_completed")}>{dam.year_completed ?? "—"}</Fact>
            <Fact term={t("dams.monitoring_every")}>{word("every", dam.monitoring_every)}</Fact>
            <Fact term={t("dams.thresholds")}>
              {thresholdWords(thresholds) || "—"}
            </Fact>
          </>
        ) : null}
      </dl>
      {children}
    </section>
  );
}

function Location({ dam }: { dam: Dam }) {
  const { t, number } = useI18n();
  const regions = useRegions();
  const names = regionNames(regions.data, dam.location);
  const { lat, lon } = dam.location;
  return (
    <section className="card" aria-labelledby="location-heading">
      <h2 id="location-heading">{t("dams.location")}</h2>
      <dl className="facts">
        <Fact term={t("dams.coordinates")}>
          {number(lat)}, {number(lon)}
        </Fact>
        <Fact term={t("dams.province")}>{names.province}</Fact>
        <Fact term={t("dams.regency")}>{names.regency}</Fact>
        <Fact term={t("dams.district")}>{names.district}</Fact>
        {dam.location.village_code ? <Fact term={t("dams.village")}>{dam.location.village_code}</Fact> : null}
      </dl>
      <a href={mapLink(lat, lon)} target="_blank" rel="noopener noreferrer">
        {t("dams.open_map")}
      </a>
    </section>
  );
}

function StatusHistory({ list }: { list: PagedList<DamChange> }) {
  const { t, dateTime } = useI18n();
  const word = useWord();
  const changes = list.items;
  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">{t("dams.history")}</h2>
      <ProblemAlert error={list.error} />
      {list.loading && changes.length === 0 ? <Loading /> : null}
      {changes.length > 0 ? (
        <Table caption={t("dams.history_caption")} headers={[t("dams.when"), t("dams.what"), t("dams.who"), t("dams.changes")]}>
          {changes.map((change) => (
            // Events (an upload, an inspection) share the version of the dam they happened at.
            <tr key={`${change.version}-${change.at}-${change.action}`}>
              <td>{dateTime(change.at)}</td>
              <td>{word("change", change.action)}</td>
              <td>{change.actor}</td>
              <td><ChangeWords change={change} /></td>
            </tr>
          ))}
        </Table>
      ) : null}
      <MoreButton list={list} />
    </section>
  );
}

// A changed field's name as the technical data names it; a name not listed shows as it is.
const FIELD_LABELS: Partial<Record<string, MessageKey>> = {
  name: "dams.name", register_code: "dams.register_code", river_basin: "dams.river_basin", type: "dams.type",
  hazard_class: "dams.hazard_class", height_m: "dams.height_m", crest_length_m: "dams.crest_length_m",
  reservoir_volume_m3: "dams.reservoir_volume_m3", catchment_km2: "dams.catchment_km2", purposes: "dams.purposes",
  year_completed: "dams.year_completed", monitoring_every: "dams.monitoring_every", thresholds: "dams.thresholds_m",
  location: "dams.location", status: "dams.status",
};

function ChangeWords({ change }: { change: DamChange }) {
  const word = useWord();
  const thresholdWords = useThresholdWords();
  const { t, number } = useI18n();
  // A value as a person reads it: a status in words, thresholds as their bands, lists joined.
  const said = (name: string, value: unknown): string => {
    if (value === null || value === undefined || (typeof value === "object" && Object.keys(value).length === 0)) return "—";
    if (name === "status") return word("damStatus", String(value));
    if (name === "thresholds") {
      const bands = levelThresholds({ thresholds: value } as Dam);
      return thresholdWords(bands) || "—";
    }
    if (Array.isArray(value)) return value.map(String).join(", ");
    if (typeof value === "number") return name === "year_completed" ? String(value) : number(value);
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  };
  const fields = Object.entries(change.changes ?? {}) as [string, unknown][];
  return (
    <>
      {fields.map(([name, pair]) => {
        const [before, after] = Array.isArray(pair) ? pair : [null, pair];
        const label = FIELD_LABELS[name];
        return <p key={name} className="meta">{label ? t(label) : name}: {said(name, before)} → {said(name, after)}</p>;
      })}
      {change.application_id ? <p><Link to={`/applications/${change.application_id}`}>{t("dams.permit_link")}</Link></p> : null}
      {change.comment ? <p className="meta">{change.comment}</p> : null}
    </>
  );
}

function Obligations({ items, error }: { items: Obligation[] | undefined; error: unknown }) {
  const { t, dateTime } = useI18n();
  const sorted = useMemo(() => [...(items ?? [])].reverse(), [items]);
  return (
    <section className="card" aria-labelledby="obligations-heading">
      <h2 id="obligations-heading">{t("dams.obligations")}</h2>
      <ProblemAlert error={error} />
      {items && items.length === 0 ? <p className="meta">{t("dams.obligations_none")}</p> : null}
      {sorted.length > 0 ? (
        <Table caption={t("dams.obligations_caption")} headers={[t("dams.period"), t("dams.due_at"), t("dams.status"), t("dams.report")]}>
          {sorted.map((o) => (
            <tr key={o.period} className={o.status === "overdue" ? "row-overdue" : undefined}>
              <th scope="row">{o.period}</th>
              <td>{dateTime(o.due_at)}</td>
              <td><Badge kind="obligation" value={o.status} /></td>
              <td>{o.application_id ? <Link to={`/applications/${o.application_id}`}>{t("dams.report_open")}</Link> : "—"}</td>
            </tr>
          ))}
        </Table>
      ) : null}
    </section>
  );
}
