/**
 * The dam register: search by name or register code, filters the API offers (status, managing
 * office, province), page by page. Anyone sees the public facts; staff reaching a dam see its
 * register code, river basin and hazard class too.
 */
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { api, call } from "../../api/client";
import { isStaff, useAuth } from "../../auth/Auth";
import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { MoreButton } from "../../components/MoreButton";
import { useOffices } from "../../hooks/useOffices";
import { usePagedList } from "../../hooks/usePagedList";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { DAM_STATUSES, type Dam, type DamList, type DamStatus } from "./model";
import { regionNames, useRegions } from "./regions";
import { Badge, useWord } from "./words";
import { Table } from "./Table";

interface Filters {
  q: string;
  status: DamStatus | "";
  node_id: string;
  province_code: string;
}

const EMPTY: Filters = { q: "", status: "", node_id: "", province_code: "" };
const DAM_ROLES = ["dam_registrar", "dam_operator", "dam_inspector", "verifier", "approver", "viewer", "admin"];

export default function DamsPage() {
  const { t } = useI18n();
  const word = useWord();
  const { me } = useAuth();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [typed, setTyped] = useState("");
  const regions = useRegions();
  const offices = useOffices(me, DAM_ROLES);
  useTitle(t("dams.title"));

  const list = usePagedList<Dam, DamList>(
    (cursor) =>
      call(
        api().GET("/assets", {
          params: {
            query: {
              q: filters.q.trim() || undefined,
              status: filters.status || undefined,
              node_id: filters.node_id || undefined,
              province_code: filters.province_code || undefined,
              cursor: cursor ?? undefined,
              limit: 50,
            },
          },
        }),
      ),
    [filters],
  );
  const staffView = list.items.some((dam) => dam.access === "staff");
  const filtered = filters.q || filters.status || filters.node_id || filters.province_code;

  function search(event: FormEvent) {
    event.preventDefault();
    setFilters((current) => ({ ...current, q: typed }));
  }

  // Staff see the columns the public does not (the API sends those fields to staff only).
  const headers = staffView
    ? [t("dams.name"), t("dams.register_code"), t("dams.region"), t("dams.river_basin"), t("dams.type"), t("dams.hazard_class"), t("dams.status")]
    : [t("dams.name"), t("dams.region"), t("dams.type"), t("dams.status")];
  const provinces = Object.entries(regions.data?.provinces ?? {}).sort((a, b) => a[1].localeCompare(b[1]));
  return (
    <div className="page">
      <h1>{t("dams.title")}</h1>
      <p className="lead">{t("dams.lead")}</p>
      <form className="filters card" onSubmit={search} aria-label={t("dams.filters")}>
        <div className="filter">
          {/* Register codes and basins are staff-only: the API matches the public's words on names. */}
          <label htmlFor="dams-q">{t(isStaff(me) ? "dams.search" : "dams.search_public")}</label>
          <div className="inline-form">
            <input id="dams-q" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
            <button type="submit" className="button-secondary">{t("dams.search_submit")}</button>
          </div>
        </div>
        <div className="filter">
          <label htmlFor="dams-status">{t("dams.status")}</label>
          <select id="dams-status" value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value as DamStatus | "" })}>
            <option value="">{t("dams.all")}</option>
            {DAM_STATUSES.map((status) => (
              <option key={status} value={status}>{word("damStatus", status)}</option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="dams-province">{t("dams.province")}</label>
          <select id="dams-province" value={filters.province_code} onChange={(e) => setFilters({ ...filters, province_code: e.target.value })}>
            <option value="">{t("dams.all")}</option>
            {provinces.map(([code, name]) => (
              <option key={code} value={code}>{name}</option>
            ))}
          </select>
        </div>
        {(offices.data?.choices ?? []).length > 0 ? (
          <div className="filter">
            <label htmlFor="dams-office">{t("dams.office")}</label>
            <select id="dams-office" value={filters.node_id} onChange={(e) => setFilters({ ...filters, node_id: e.target.value })}>
              <option value="">{t("dams.all")}</option>
              {(offices.data?.choices ?? []).map((office) => (
                <option key={office.id} value={office.id}>{office.depth > 0 ? "— " : ""}{office.name}</option>
              ))}
            </select>
          </div>
        ) : null}
        {filtered ? (
          <button type="button" className="link-button" onClick={() => { setTyped(""); setFilters(EMPTY); }}>
            {t("dams.clear")}
          </button>
        ) : null}
      </form>

      <ProblemAlert error={list.error} />
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && list.items.length === 0 && !list.hasMore ? (
        <EmptyState>{filtered ? t("dams.none_filtered") : t("dams.none")}</EmptyState>
      ) : null}
      {list.items.length > 0 ? (
        <Table caption={t("dams.caption", { count: list.items.length })} headers={headers} className="dam-table" busy={list.loading}>
          {list.items.map((dam: Dam) => {
            const names = regionNames(regions.data, dam.location);
            return (
              <tr key={dam.id}>
                <th scope="row"><Link to={`/dams/${dam.id}`}>{dam.name}</Link></th>
                {staffView ? <td className="code">{dam.register_code ?? "—"}</td> : null}
                <td>{names.regency}, {names.province}</td>
                {staffView ? <td>{dam.river_basin ?? "—"}</td> : null}
                <td>{word("damType", dam.type)}</td>
                {staffView ? <td><Badge kind="hazard" value={dam.hazard_class} /></td> : null}
                <td><Badge kind="damStatus" value={dam.status} /></td>
              </tr>
            );
          })}
        </Table>
      ) : null}
      <MoreButton list={list} />
    </div>
  );
}
