/** On a service's public page: the library's entries its requirements rest on, each a link to its page. */
import { Link } from "react-router";
import { api, call } from "../../api/client";
import { useAsync } from "../../hooks/useAsync";
import { useI18n } from "../../i18n/I18n";

export function ServiceRegulations({ serviceId }: { serviceId: string }) {
  const { t } = useI18n();
  const page = useAsync(() => call(api().GET("/services/{id}", { params: { path: { id: serviceId } } })), [serviceId]);
  const cited = page.data?.regulations ?? [];
  if (cited.length === 0) return null;
  return (
    <section aria-labelledby="service-regulations">
      <h2 id="service-regulations">{t("library.service_cites")}</h2>
      <ul className="link-list">
        {cited.map((entry) => (
          <li key={entry.id}>
            <Link to={`/regulations/${entry.id}`}>{entry.number}: {entry.title}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
