import { Link } from "react-router";
import { useI18n } from "../../i18n/I18n";
import { useAsync } from "../../hooks/useAsync";
import { useTitle } from "../../hooks/useTitle";
import { Loading, ProblemAlert } from "../../components/Feedback";
import { loadServices, PROGRAM_KEYS, PROGRAM_ORDER } from "../../services";

export default function ServicesPage() {
  const { t, pick } = useI18n();
  const services = useAsync(loadServices, []);
  useTitle(t("services.title"));

  return (
    <div className="page">
      <h1>{t("services.title")}</h1>
      <p className="lead">{t("services.lead")}</p>
      <ProblemAlert error={services.error} />
      {services.loading && !services.data ? <Loading /> : null}
      {PROGRAM_ORDER.map((program) => {
        const inProgram = (services.data ?? []).filter((service) => service.program === program);
        if (inProgram.length === 0) return null;
        return (
          <section key={program} id={program} className="program">
            <h2>{t(PROGRAM_KEYS[program])}</h2>
            <ul className="service-list">
              {inProgram.map((service) => (
                <li key={service.id} className="card">
                  <h3>
                    <Link to={`/services/${service.id}`}>{pick(service.name, service.name_en)}</Link>
                  </h3>
                  <p>{pick(service.description, service.description_en)}</p>
                  <p className="meta">
                    {service.filed_by === "public" ? t("services.filed_by_public") : t("services.filed_by_staff")}
                    {" · "}
                    {t("services.steps_count", { count: service.steps.length })}
                    {" · "}
                    {t("services.documents_count", { count: service.documents.length })}
                  </p>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
