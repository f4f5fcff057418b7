/**
 * One entry of the library, for anyone: its status, what amends or revokes it and what it amends
 * or revokes (links), the services that cite it, topics, summary, the PDF, and its earlier texts
 * (`?version=N`). Librarians amend it and upload its PDF here.
 */
import { Link, useParams, useSearchParams } from "react-router";
import { api, call } from "../../api/client";
import { holds, useAuth } from "../../auth/Auth";
import { Loading, Notice, ProblemAlert } from "../../components/Feedback";
import { useAsync } from "../../hooks/useAsync";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { Fact } from "../applications/shared";
import type { Regulation } from "./model";
import { RegulationEditor } from "./RegulationForm";
import { Badge, useCitation, useWord } from "./words";

export default function RegulationPage() {
  const { id = "" } = useParams();
  const [params] = useSearchParams();
  const version = /^\d+$/.test(params.get("version") ?? "") ? Number(params.get("version")) : undefined;
  const { t } = useI18n();
  const cite = useCitation();
  const entry = useAsync(
    () => call(api().GET("/regulations/{id}", { params: { path: { id }, query: { version } } })),
    [id, version],
  );
  const found = entry.data;
  useTitle(found ? t("library.heading", { cite: cite(found), title: found.title }) : t("library.title"));
  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label={t("nav.breadcrumbs")}>
        <Link to="/regulations">{t("library.title")}</Link>
      </nav>
      <ProblemAlert error={entry.error} />
      {entry.loading && !found ? <Loading /> : null}
      {found ? <EntryView entry={found} earlier={version !== undefined} onChanged={(changed) => entry.set(changed)} reload={entry.reload} /> : null}
    </div>
  );
}

function EntryView({ entry, earlier, onChanged, reload }: { entry: Regulation; earlier: boolean; onChanged: (e: Regulation) => void; reload: () => Promise<void> }) {
  const { t, day, dateTime, pick } = useI18n();
  const word = useWord();
  const cite = useCitation();
  const { me } = useAuth();
  return (
    <>
      <h1>{t("library.heading", { cite: cite(entry), title: entry.title })}</h1>
      <p className="lead"><Badge kind="regulationStatus" value={entry.status} /></p>
      {earlier ? (
        <Notice kind="warning">
          {t("library.earlier_text", { version: entry.version, when: dateTime(entry.updated_at) })}{" "}
          <Link to={`/regulations/${entry.id}`}>{t("library.current_text")}</Link>
        </Notice>
      ) : null}
      <section className="card" aria-labelledby="entry-facts">
        <h2 id="entry-facts">{t("library.about")}</h2>
        <dl className="facts">
          <Fact term={t("library.type")}>{word("regulationType", entry.type)}</Fact>
          <Fact term={t("library.number")}>{entry.number}</Fact>
          <Fact term={t("library.year")}>{entry.year}</Fact>
          <Fact term={t("library.enacted_on")}>{entry.enacted_on ? day(entry.enacted_on) : t("library.unknown")}</Fact>
          <Fact term={t("library.status")}>{word("regulationStatus", entry.status)}</Fact>
          <Fact term={t("library.topics")}>
            {entry.topics.length > 0 ? entry.topics.map((topic, index) => (
              <span key={topic}>{index > 0 ? ", " : ""}<Link to={`/regulations?topic=${encodeURIComponent(topic)}`}>{topic}</Link></span>
            )) : "—"}
          </Fact>
        </dl>
        {entry.summary ? <p className="preserve-lines">{entry.summary}</p> : null}
        {entry.download_url ? (
          <a className="button-secondary" href={entry.download_url} rel="noopener">{t("library.download")}</a>
        ) : <p className="meta">{t("library.no_document")}</p>}
      </section>

      <section className="card" aria-labelledby="entry-links">
        <h2 id="entry-links">{t("library.links")}</h2>
        <Related label={t("library.amended_by")} ids={entry.amended_by} />
        <Related label={t("library.revoked_by")} ids={entry.revoked_by} />
        <Related label={t("library.amends")} ids={entry.amends} />
        <Related label={t("library.revokes")} ids={entry.revokes} />
        {[entry.amended_by, entry.revoked_by, entry.amends, entry.revokes].every((ids) => ids.length === 0) ? (
          <p className="meta">{t("library.links_none")}</p>
        ) : null}
      </section>

      <section className="card" aria-labelledby="entry-services">
        <h2 id="entry-services">{t("library.cited_by")}</h2>
        {entry.cited_by_services.length > 0 ? (
          <ul className="link-list">
            {entry.cited_by_services.map((service) => (
              <li key={service.id}><Link to={`/services/${service.id}`}>{pick(service.name, service.name_en)}</Link></li>
            ))}
          </ul>
        ) : <p className="meta">{t("library.cited_by_none")}</p>}
      </section>

      {entry.versions.length > 0 ? (
        <section className="card" aria-labelledby="entry-versions">
          <h2 id="entry-versions">{t("library.versions")}</h2>
          <ul className="link-list">
            {entry.versions.map((v) => (
              <li key={v.version}>
                <Link to={`/regulations/${entry.id}?version=${v.version}`}>{t("library.version", { version: v.version, when: dateTime(v.updated_at) })}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {holds(me, "librarian") && !earlier ? <RegulationEditor entry={entry} onChanged={onChanged} reload={reload} /> : null}
    </>
  );
}

/** Entries named by id, shown by their citation and title (each read once; an unreadable one by its id). */
function Related({ label, ids }: { label: string; ids: string[] }) {
  const cite = useCitation();
  const found = useAsync(
    () => Promise.all(ids.map((id) => call(api().GET("/regulations/{id}", { params: { path: { id } } })).catch(() => null))),
    [ids.join(",")],
  );
  if (ids.length === 0) return null;
  return (
    <div className="related">
      <h3>{label}</h3>
      <ul className="link-list">
        {ids.map((id, index) => {
          const other = found.data?.[index];
          return (
            <li key={id}>
              <Link to={`/regulations/${id}`}>{other ? `${cite(other)}: ${other.title}` : id}</Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
