/** One office of the org tree, for its admins: the way up, the offices below, opening one, its staff. */
import { Link, useParams } from "react-router";
import { api, call } from "../../api/client";
import { loggedInPage } from "../../auth/loggedIn";
import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { useRegions } from "../../components/Field";
import { useAsync } from "../../hooks/useAsync";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { OfficeForm } from "./OfficeForm";
import { regionName } from "./regionCodes";
import { AdminTabs } from "./shared";
import { StaffSection } from "./StaffSection";

const officeLink = (id: string) => `/admin/org/${encodeURIComponent(id)}`;

function OrgNode() {
  const { id = "" } = useParams();
  const { t } = useI18n();
  const regions = useRegions(true);
  const node = useAsync(() => call(api().GET("/org/nodes/{id}", { params: { path: { id } } })), [id]);
  const found = node.data?.id === id ? node.data : undefined;
  useTitle(found ? found.name : t("admin.org_title"));

  return (
    <>
      <AdminTabs />
      <ProblemAlert error={node.error} />
      {node.loading && !found ? <Loading /> : null}
      {found ? (
        <>
          <nav className="breadcrumbs" aria-label={t("nav.breadcrumbs")}>
            <Link to="/admin/org">{t("admin.org_title")}</Link>
            {found.ancestors.map((a) => (
              <span key={a.id}>
                {" › "}
                <Link to={officeLink(a.id)}>{a.name}</Link>
              </span>
            ))}
            {" › "}
            <span aria-current="page">{found.name}</span>
          </nav>
          <h1>{found.name}</h1>
          <p className="meta">
            {t("admin.kind")}: {found.kind} · {t("admin.region")}:{" "}
            {found.region_code ? `${found.region_code}${regions && regionName(found.region_code, regions) ? ` (${regionName(found.region_code, regions)})` : ""}` : t("admin.region_none")}
          </p>
          <section aria-labelledby="children-heading">
            <h2 id="children-heading">{t("admin.children")}</h2>
            {found.children.length === 0 ? <EmptyState>{t("admin.children_none")}</EmptyState> : null}
            <ul className="plain-list office-children">
              {found.children.map((child) => (
                <li key={child.id}>
                  <Link to={officeLink(child.id)}>{child.name}</Link> <span className="meta">({child.kind})</span>
                </li>
              ))}
            </ul>
          </section>
          <OfficeForm parent={found} onOpened={() => void node.reload()} />
          <StaffSection node={found} />
        </>
      ) : null}
    </>
  );
}

export default loggedInPage(OrgNode, { staff: true });
