/** "Budgets" in the header: the month's budget of the first office the person holds a budget role at. */
import { Navigate } from "react-router";
import { loggedInPage } from "../../auth/loggedIn";
import { useAuth } from "../../auth/Auth";
import { Notice } from "../../components/Feedback";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { currentPeriod, homeOffice } from "./budgetRules";

function BudgetsHome() {
  const { t } = useI18n();
  const { me } = useAuth();
  useTitle(t("budgets.title_plain"));
  const office = homeOffice(me);
  if (office) return <Navigate to={`/budgets/${encodeURIComponent(office)}/${currentPeriod()}`} replace />;
  return (
    <>
      <h1>{t("budgets.title_plain")}</h1>
      <Notice>{t("budgets.no_office")}</Notice>
    </>
  );
}

export default loggedInPage(BudgetsHome, { staff: true });
