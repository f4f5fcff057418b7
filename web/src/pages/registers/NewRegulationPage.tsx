/** Add an entry to the regulations library (librarians). */
import { Link } from "react-router";
import { holds, useAuth } from "../../auth/Auth";
import { loggedInPage } from "../../auth/loggedIn";
import { Notice } from "../../components/Feedback";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { NewRegulation } from "./RegulationForm";

function NewRegulationPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  useTitle(t("library.add"));
  return (
    <>
      <nav className="breadcrumbs" aria-label={t("nav.breadcrumbs")}>
        <Link to="/regulations">{t("library.title")}</Link>
      </nav>
      <h1>{t("library.add")}</h1>
      {holds(me, "librarian") ? <NewRegulation /> : <Notice kind="warning">{t("library.librarians_only")}</Notice>}
    </>
  );
}

export default loggedInPage(NewRegulationPage, { narrow: true });
