/** The offices the caller administers: where the org tree's pages start. */
import { Link } from "react-router";
import { useAuth } from "../../auth/Auth";
import { loggedInPage } from "../../auth/loggedIn";
import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { useOffices } from "../../hooks/useOffices";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { AdminTabs } from "./shared";

function OrgIndex() {
  const { t } = useI18n();
  const { me } = useAuth();
  const offices = useOffices(me, ["admin"]);
  useTitle(t("admin.org_title"));
  const mine = (offices.data?.choices ?? []).filter((c) => c.depth === 0);
  return (
    <>
      <AdminTabs />
      <h1>{t("admin.org_title")}</h1>
      <p className="lead">{t("admin.org_lead")}</p>
      <ProblemAlert error={offices.error} />
      {offices.loading && !offices.data ? <Loading /> : null}
      {offices.data && mine.length === 0 ? <EmptyState>{t("admin.org_none")}</EmptyState> : null}
      <ul className="plain-list">
        {mine.map((office) => (
          <li key={office.id} className="card">
            <Link to={`/admin/org/${encodeURIComponent(office.id)}`}>{office.name}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}

export default loggedInPage(OrgIndex, { staff: true });
