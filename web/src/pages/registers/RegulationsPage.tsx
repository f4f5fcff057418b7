/**
 * The regulations library, for anyone: words (in the number, title, summary and the document's
 * own text), type, year, status and topic; the API ranks the results (number and title first).
 * The search is kept in the address, so a result's page can be left and come back to.
 */
import { useEffect, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { api, call } from "../../api/client";
import { holds, useAuth } from "../../auth/Auth";
import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { MoreButton } from "../../components/MoreButton";
import { usePagedList } from "../../hooks/usePagedList";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { REGULATION_STATUSES, REGULATION_TYPES, type RegulationList, type RegulationStatus, type RegulationSummary, type RegulationType } from "./model";
import { Badge, useCitation, useWord } from "./words";

const FILTERS = ["q", "type", "year", "status", "topic"] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

export default function RegulationsPage() {
  const { t, day } = useI18n();
  const word = useWord();
  const cite = useCitation();
  const { me } = useAuth();
  const [params, setParams] = useSearchParams();
  const applied: Filters = { q: "", type: "", year: "", status: "", topic: "" };
  for (const name of FILTERS) applied[name] = params.get(name) ?? "";
  const [typed, setTyped] = useState<Filters>(applied);
  // The address changed under the form (a topic's link, the header's entry, back): the form follows it.
  useEffect(() => setTyped(applied), [params.toString()]); // eslint-disable-line react-hooks/exhaustive-deps
  useTitle(t("library.title"));

  const year = /^\d{4}$/.test(applied.year) ? Number(applied.year) : undefined;
  const list = usePagedList<RegulationSummary, RegulationList>(
    (cursor) =>
      call(
        api().GET("/regulations", {
          params: {
            query: {
              q: applied.q.trim() || undefined,
              type: (applied.type || undefined) as RegulationType | undefined,
              year,
              status: (applied.status || undefined) as RegulationStatus | undefined,
              topic: applied.topic.trim() || undefined,
              cursor: cursor ?? undefined,
              limit: 50,
            },
          },
        }),
      ),
    [params.toString()],
  );

  function search(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of FILTERS) if (typed[name].trim()) next.set(name, typed[name].trim());
    setParams(next);
  }

  const filtered = FILTERS.some((name) => applied[name]);
  return (
    <div className="page">
      <h1>{t("library.title")}</h1>
      <p className="lead">{t("library.lead")}</p>
      {holds(me, "librarian") ? <p><Link className="button" to="/regulations/new">{t("library.add")}</Link></p> : null}
      <form className="filters card" role="search" onSubmit={search} aria-label={t("library.search_label")}>
        <div className="filter filter-wide">
          <label htmlFor="library-q">{t("library.words")}</label>
          <input id="library-q" type="search" value={typed.q} onChange={(e) => setTyped({ ...typed, q: e.target.value })} />
        </div>
        <div className="filter">
          <label htmlFor="library-type">{t("library.type")}</label>
          <select id="library-type" value={typed.type} onChange={(e) => setTyped({ ...typed, type: e.target.value })}>
            <option value="">{t("library.all")}</option>
            {REGULATION_TYPES.map((value) => <option key={value} value={value}>{word("regulationType", value)}</option>)}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="library-year">{t("library.year")}</label>
          <input id="library-year" inputMode="numeric" pattern="[0-9]{4}" maxLength={4} value={typed.year}
            onChange={(e) => setTyped({ ...typed, year: e.target.value })} />
        </div>
        <div className="filter">
          <label htmlFor="library-status">{t("library.status")}</label>
          <select id="library-status" value={typed.status} onChange={(e) => setTyped({ ...typed, status: e.target.value })}>
            <option value="">{t("library.all")}</option>
            {REGULATION_STATUSES.map((value) => <option key={value} value={value}>{word("regulationStatus", value)}</option>)}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="library-topic">{t("library.topic")}</label>
          <input id="library-topic" value={typed.topic} onChange={(e) => setTyped({ ...typed, topic: e.target.value })} />
        </div>
        <div className="button-row">
          <button type="submit">{t("library.search")}</button>
          {filtered ? (
            <button type="button" className="link-button" onClick={() => { setTyped({ q: "", type: "", year: "", status: "", topic: "" }); setParams(new URLSearchParams()); }}>
              {t("library.clear")}
            </button>
          ) : null}
        </div>
      </form>

      <ProblemAlert error={list.error} />
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && list.items.length === 0 && !list.hasMore ? (
        <EmptyState>{filtered ? t("library.none_found") : t("library.none")}</EmptyState>
      ) : null}
      {list.items.length > 0 ? (
        <>
          <p className="meta" role="status">{t("library.results", { count: list.items.length })}</p>
          <ol className="regulation-list" aria-busy={list.loading}>
            {list.items.map((entry) => (
              <li key={entry.id} className="card">
                <h2 className="regulation-title">
                  <Link to={`/regulations/${entry.id}`}>
                    {cite(entry)}: {entry.title}
                  </Link>
                </h2>
                <p className="meta">
                  <Badge kind="regulationStatus" value={entry.status} />
                  {entry.enacted_on ? ` · ${t("library.enacted", { day: day(entry.enacted_on) })}` : null}
                  {entry.topics.length > 0 ? ` · ${entry.topics.join(", ")}` : null}
                </p>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      <MoreButton list={list} />
    </div>
  );
}
