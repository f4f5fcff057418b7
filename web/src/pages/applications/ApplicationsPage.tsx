/**
 * "My applications" for an applicant; for staff, what they filed (a kelurahan clerk) or what
 * was filed within their reach. Returned applications come first: they wait on the reader.
 */
import { useState } from "react";
import { Link } from "react-router";
import { loggedInPage } from "../../auth/loggedIn";
import { api, call } from "../../api/client";
import type { Application, ApplicationList, ApplicationStatus, Service } from "../../api/types";
import { holds, isStaff, useAuth } from "../../auth/Auth";
import { StatusBadge, statusKey } from "../../components/Badges";
import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { useAsync } from "../../hooks/useAsync";
import { usePagedList } from "../../hooks/usePagedList";
import { MoreButton } from "../../components/MoreButton";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { loadServices } from "../../services";

const STATUSES: ApplicationStatus[] = ["draft", "submitted", "in_review", "returned", "approved", "rejected", "withdrawn"];

function NewApplicationLinks({ services }: { services: Service[] }) {
  const { t, pick } = useI18n();
  const { me } = useAuth();
  // Services this clerk files for the public: staff-filed ones at a kind of office they work at.
  const staffFiled = services.filter((s) => s.filed_by === "staff");
  if (!holds(me, "submitter") || staffFiled.length === 0) return null;
  return (
    <section className="card" aria-labelledby="new-heading">
      <h2 id="new-heading">{t("applications.new")}</h2>
      <ul className="link-list">
        {staffFiled.map((service) => (
          <li key={service.id}>
            <Link to={`/apply/${service.id}`}>{pick(service.name, service.name_en)}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function List() {
  const { t, dateTime } = useI18n();
  const { me } = useAuth();
  const staff = isStaff(me);
  const filer = holds(me, "submitter");
  const [status, setStatus] = useState<ApplicationStatus | "">("");
  const services = useAsync(loadServices, []);
  const scope = staff ? (filer ? "mine" : "reach") : undefined;
  useTitle(staff ? (filer ? t("nav.filed") : t("nav.applications_staff")) : t("nav.my_applications"));

  const list = usePagedList<Application, ApplicationList>(
    (cursor) => call(api().GET("/applications", { params: { query: { status: status || undefined, scope, cursor: cursor ?? undefined, limit: 50 } } })),
    [status, scope],
  );
  const ordered = [...list.items].sort((a, b) => Number(b.status === "returned") - Number(a.status === "returned"));
  return (
    <>
      <h1>{staff ? (filer ? t("nav.filed") : t("nav.applications_staff")) : t("nav.my_applications")}</h1>
      {staff ? <NewApplicationLinks services={services.data ?? []} /> : (
        <p>
          <Link to="/services" className="button">
            {t("applications.apply_new")}
          </Link>
        </p>
      )}
      <div className="filters">
        <label htmlFor="status-filter">{t("applications.status_filter")}</label>
        <select id="status-filter" value={status} onChange={(e) => setStatus(e.target.value as ApplicationStatus | "")}>
          <option value="">{t("applications.all")}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(statusKey(s))}
            </option>
          ))}
        </select>
      </div>
      <ProblemAlert error={list.error} />
      {list.loading ? <Loading /> : null}
      {!list.loading && ordered.length === 0 && !list.hasMore ? <EmptyState>{t("applications.none")}</EmptyState> : null}
      <ul className="application-list">
        {ordered.map((app) => (
          <li key={app.id} className={`card application-item${app.status === "returned" ? " needs-you" : ""}`}>
            <div className="application-item-head">
              <Link to={app.status === "draft" || app.status === "returned" ? `/applications/${app.id}/edit` : `/applications/${app.id}`}>
                <ServiceName app={app} />
              </Link>
              <StatusBadge status={app.status} />
            </div>
            <p className="meta">
              <span className="code">{app.tracking_code}</span> · {app.node_name}
              {staff && !filer ? ` · ${app.applicant_name}` : ""} · {t("applications.updated", { when: dateTime(app.updated_at) })}
            </p>
            {app.status === "returned" ? (
              <p>
                <Link to={`/applications/${app.id}/edit`}>{t("applications.fix_now")}</Link>
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      <MoreButton list={list} />
    </>
  );
}

export function ServiceName({ app }: { app: Application }) {
  const { pick } = useI18n();
  return <>{pick(app.service_name, app.service_name_en)}</>;
}

export default loggedInPage(List);
