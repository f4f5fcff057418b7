/**
 * /dashboard: the person's own office. With one office at the top of their reach it opens that
 * office's dashboard; with several (roles held at offices side by side) it lists them.
 */
import { Link, Navigate, useSearchParams } from "react-router";
import { api, call } from "../../api/client";
import { allRoles, useAuth } from "../../auth/Auth";
import { loggedInPage } from "../../auth/loggedIn";
import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { useAsync } from "../../hooks/useAsync";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { figureOffices, isPeriod, topOffices } from "./figures";

function MyDashboard() {
  const { t } = useI18n();
  const { me } = useAuth();
  const [search] = useSearchParams();
  const asked = search.get("period");
  const query = isPeriod(asked) ? `?period=${asked}` : "";
  const mine = figureOffices(allRoles(me));
  useTitle(t("dash.nav"));
  const offices = useAsync(async () => {
    const nodes = await Promise.all(mine.map((id) => call(api().GET("/org/nodes/{id}", { params: { path: { id } } }))));
    const top = topOffices(Object.fromEntries(nodes.map((n) => [n.id, n.path])));
    return nodes.filter((n) => top.includes(n.id));
  }, [mine.join(",")]);
  const found = offices.data ?? [];
  if (found.length === 1 && found[0]) return <Navigate to={`/dashboard/${found[0].id}${query}`} replace />;
  return (
    <>
      <h1>{t("dash.nav")}</h1>
      <ProblemAlert error={offices.error} />
      {offices.loading ? <Loading /> : null}
      {!offices.loading && found.length === 0 && !offices.error ? <EmptyState>{t("dash.no_office")}</EmptyState> : null}
      {found.length > 1 ? (
        <>
          <p className="lead">{t("dash.choose_office")}</p>
          <ul className="plain-list">
            {found.map((node) => (
              <li key={node.id} className="card">
                <Link to={`/dashboard/${node.id}${query}`}>{node.name}</Link> <span className="meta">{node.kind}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export default loggedInPage(MyDashboard, { staff: true });
