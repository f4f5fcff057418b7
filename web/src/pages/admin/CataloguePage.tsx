/** The service catalogue for staff, read only: every service with its program, version and steps. */
import { Link } from "react-router";
import { loggedInPage } from "../../auth/loggedIn";
import { Loading, ProblemAlert } from "../../components/Feedback";
import { useAsync } from "../../hooks/useAsync";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { loadServices, PROGRAM_KEYS, PROGRAM_ORDER } from "../../services";

function Catalogue() {
  const { t, pick } = useI18n();
  const services = useAsync(() => loadServices(), []);
  useTitle(t("admin.cat_title"));
  const sorted = [...(services.data ?? [])].sort(
    (a, b) => PROGRAM_ORDER.indexOf(a.program) - PROGRAM_ORDER.indexOf(b.program) || a.id.localeCompare(b.id),
  );
  return (
    <>
      <h1>{t("admin.cat_title")}</h1>
      <p className="lead">{t("admin.cat_lead")}</p>
      <ProblemAlert error={services.error} />
      {services.loading && !services.data ? <Loading /> : null}
      {sorted.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{t("admin.cat_caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.cat_service")}</th>
                <th scope="col">{t("admin.cat_program")}</th>
                <th scope="col">{t("admin.cat_version")}</th>
                <th scope="col">{t("admin.cat_filed_by")}</th>
                <th scope="col">{t("admin.cat_steps")}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((service) => (
                <tr key={service.id}>
                  <td>
                    <Link to={`/catalogue/${encodeURIComponent(service.id)}`}>{pick(service.name, service.name_en)}</Link>
                    <div className="meta"><code>{service.id}</code></div>
                  </td>
                  <td>{t(PROGRAM_KEYS[service.program])}</td>
                  <td>{service.version}</td>
                  <td>{service.filed_by === "public" ? t("admin.cat_filed_public") : t("admin.cat_filed_staff")}</td>
                  <td>{service.steps.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

export default loggedInPage(Catalogue, { staff: true });
