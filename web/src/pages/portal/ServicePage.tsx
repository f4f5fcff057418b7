/** A service's requirements, public: its form, its documents, its steps with their SLA, its fee. */
import { Link, useParams } from "react-router";
import { api, call } from "../../api/client";
import type { FieldSpec } from "../../api/types";
import { holds, useAuth } from "../../auth/Auth";
import { Loading, Notice, ProblemAlert } from "../../components/Feedback";
import { DocumentTable } from "../../components/DocumentTable";
import { useAsync } from "../../hooks/useAsync";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import type { MessageKey } from "../../i18n/catalogue";
import { loadService, PROGRAM_KEYS, slaWords } from "../../services";
import { ServiceRegulations } from "../registers/ServiceRegulations";

const FIELD_TYPE_KEYS: Record<FieldSpec["type"], MessageKey> = {
  text: "fieldtype.text",
  long_text: "fieldtype.long_text",
  number: "fieldtype.number",
  money: "fieldtype.money",
  date: "fieldtype.date",
  nik: "fieldtype.nik",
  npwp: "fieldtype.npwp",
  email: "fieldtype.email",
  phone: "fieldtype.phone",
  choice: "fieldtype.choice",
  boolean: "fieldtype.boolean",
  asset: "fieldtype.asset",
};

export default function ServicePage() {
  const { id = "" } = useParams();
  const { t, pick, money } = useI18n();
  const { me } = useAuth();
  const service = useAsync(() => loadService(id), [id]);
  const offices = useAsync(() => call(api().GET("/services/{id}/offices", { params: { path: { id } } })), [id]);
  const found = service.data;
  useTitle(found ? pick(found.name, found.name_en) : t("services.title"));

  if (service.loading && !found) return <div className="page"><Loading /></div>;
  if (!found) {
    return (
      <div className="page">
        <ProblemAlert error={service.error} />
        {!service.error ? <Notice kind="warning">{t("service.not_found")}</Notice> : null}
        <Link to="/services">{t("services.title")}</Link>
      </div>
    );
  }
  const administrative = found.documents.filter((d) => (d.group ?? "administrative") === "administrative");
  const technical = found.documents.filter((d) => d.group === "technical");
  const canApply = found.filed_by === "public" || holds(me, "submitter");

  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label={t("nav.breadcrumbs")}>
        <Link to="/services">{t("services.title")}</Link> › <Link to={`/services#${found.program}`}>{t(PROGRAM_KEYS[found.program])}</Link>
      </nav>
      <h1>{pick(found.name, found.name_en)}</h1>
      <p className="lead">{pick(found.description, found.description_en)}</p>
      <div className="service-apply">
        {canApply ? (
          <Link className="button" to={`/apply/${found.id}`}>
            {t("service.apply")}
          </Link>
        ) : (
          <Notice>{t("service.staff_files")}</Notice>
        )}
      </div>

      <section>
        <h2>{t("service.fee")}</h2>
        {found.fee ? (
          <p>
            {found.fee.free ? <strong>{t("service.free")}</strong> : found.fee.amount !== null && found.fee.amount !== undefined ? <strong>{money(found.fee.amount)}</strong> : null}{" "}
            {pick(found.fee.note, found.fee.note_en)}
          </p>
        ) : (
          <p>{t("service.fee_unstated")}</p>
        )}
      </section>

      <section>
        <h2>{t("service.documents")}</h2>
        <DocumentTable documents={administrative} caption={t("service.documents_administrative")} />
        <DocumentTable documents={technical} caption={t("service.documents_technical")} />
      </section>

      <section>
        <h2>{t("service.fields")}</h2>
        <ul className="field-list">
          {found.fields.map((field) => (
            <li key={field.name}>
              {pick(field.label, field.label_en)} <span className="meta">({t(FIELD_TYPE_KEYS[field.type])}{field.required ? `, ${t("service.required").toLowerCase()}` : ""})</span>
            </li>
          ))}
        </ul>
      </section>

      <section>
        <h2>{t("service.steps")}</h2>
        <ol className="step-list">
          {found.steps.map((step) => (
            <li key={step.name}>
              <strong>{pick(step.label, step.label_en)}</strong>
              <span className="meta"> · {t("service.sla", { sla: slaWords(step.sla_hours, t) })}</span>
            </li>
          ))}
        </ol>
        <p className="meta">
          {t("service.sla_total", { sla: slaWords(found.steps.reduce((sum, step) => sum + step.sla_hours, 0), t) })}
        </p>
      </section>

      <ServiceRegulations serviceId={found.id} />

      <section>
        <h2>{t("service.offices")}</h2>
        <ProblemAlert error={offices.error} />
        <ul>
          {(offices.data?.items ?? []).map((office) => (
            <li key={office.id}>{office.name}</li>
          ))}
        </ul>
      </section>
    </div>
  );
}
