/** One service as the catalogue records it, for staff: fields with their rules, documents, steps
 * with the role and office kind that decide them and their SLA, the fee, the regulations cited. */
import { Link, useParams } from "react-router";
import { api, call } from "../../api/client";
import type { FieldSpec } from "../../api/types";
import { loggedInPage } from "../../auth/loggedIn";
import { Loading, ProblemAlert } from "../../components/Feedback";
import { DocumentTable } from "../../components/DocumentTable";
import { useAsync } from "../../hooks/useAsync";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import type { MessageKey } from "../../i18n/catalogue";
import { PROGRAM_KEYS, slaWords } from "../../services";
import { roleKey } from "./shared";

function FieldRules({ field }: { field: FieldSpec }) {
  const { t } = useI18n();
  const rules: string[] = [];
  if (field.max_length) rules.push(t("admin.cat_max_length", { n: field.max_length }));
  if (field.min !== null && field.min !== undefined) rules.push(t("admin.cat_min", { n: field.min }));
  if (field.max !== null && field.max !== undefined) rules.push(t("admin.cat_max", { n: field.max }));
  if (field.not_future) rules.push(t("admin.cat_not_future"));
  if (field.personal || field.type === "nik") rules.push(t("admin.cat_personal"));
  if (field.options?.length) rules.push(t("admin.cat_options", { options: field.options.join(", ") }));
  return <>{rules.join("; ")}</>;
}

function CatalogueService() {
  const { id = "" } = useParams();
  const { t, pick, money } = useI18n();
  const service = useAsync(() => call(api().GET("/services/{id}", { params: { path: { id } } })), [id]);
  const found = service.data?.id === id ? service.data : undefined;
  useTitle(found ? pick(found.name, found.name_en) : t("admin.cat_title"));
  if (!found) {
    return (
      <>
        <ProblemAlert error={service.error} />
        {service.loading ? <Loading /> : null}
        <Link to="/catalogue">{t("admin.cat_title")}</Link>
      </>
    );
  }
  return (
    <>
      <nav className="breadcrumbs" aria-label={t("nav.breadcrumbs")}>
        <Link to="/catalogue">{t("admin.cat_title")}</Link> › <span aria-current="page">{pick(found.name, found.name_en)}</span>
      </nav>
      <h1>{pick(found.name, found.name_en)}</h1>
      <p className="lead">{pick(found.description, found.description_en)}</p>
      <dl className="facts">
        <dt>{t("admin.cat_program")}</dt>
        <dd>{t(PROGRAM_KEYS[found.program])}</dd>
        <dt>{t("admin.cat_version")}</dt>
        <dd>{found.version} (<code>{found.id}</code>)</dd>
        <dt>{t("admin.cat_filed_by")}</dt>
        <dd>{found.filed_by === "public" ? t("admin.cat_filed_public") : t("admin.cat_filed_staff")}</dd>
        <dt>{t("admin.cat_node_kinds")}</dt>
        <dd>{found.node_kinds.join(", ")}</dd>
        <dt>{t("admin.cat_fee")}</dt>
        <dd>
          {found.fee ? (
            <>
              {found.fee.free ? t("service.free") : found.fee.amount !== null && found.fee.amount !== undefined ? money(found.fee.amount) : null}{" "}
              {pick(found.fee.note, found.fee.note_en)}
            </>
          ) : t("service.fee_unstated")}
        </dd>
      </dl>

      <div className="table-wrap">
        <table>
          <caption>{t("admin.cat_steps_caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.cat_step")}</th>
              <th scope="col">{t("admin.cat_role")}</th>
              <th scope="col">{t("admin.cat_at_kind")}</th>
              <th scope="col">{t("admin.cat_sla")}</th>
            </tr>
          </thead>
          <tbody>
            {found.steps.map((step, index) => (
              <tr key={step.name}>
                <td>{index + 1}. {pick(step.label, step.label_en)}</td>
                <td>{t(roleKey(step.role))}</td>
                <td>{step.at_kind}</td>
                <td>{slaWords(step.sla_hours, t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="table-wrap">
        <table>
          <caption>{t("admin.cat_fields_caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.cat_field_label")}</th>
              <th scope="col">{t("admin.cat_field_name")}</th>
              <th scope="col">{t("admin.cat_field_type")}</th>
              <th scope="col">{t("admin.cat_required")}</th>
              <th scope="col">{t("admin.cat_field_rules")}</th>
            </tr>
          </thead>
          <tbody>
            {found.fields.map((field) => (
              <tr key={field.name}>
                <td>{pick(field.label, field.label_en)}</td>
                <td><code>{field.name}</code></td>
                <td>{t(`fieldtype.${field.type}` as MessageKey)}</td>
                <td>{field.required ? t("common.yes") : t("common.no")}</td>
                <td><FieldRules field={field} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <DocumentTable documents={found.documents} caption={t("admin.cat_documents_caption")} />

      <section aria-labelledby="regulations-heading">
        <h2 id="regulations-heading">{t("admin.cat_regulations")}</h2>
        {(found.regulations ?? []).length === 0 ? <p>{t("admin.cat_regulations_none")}</p> : (
          <ul>
            {(found.regulations ?? []).map((r) => <li key={r.id}>{r.number} — {r.title}</li>)}
          </ul>
        )}
      </section>
    </>
  );
}

export default loggedInPage(CatalogueService, { staff: true });
