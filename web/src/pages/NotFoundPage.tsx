import { Link } from "react-router";
import { useI18n } from "../i18n/I18n";
import { useTitle } from "../hooks/useTitle";

export default function NotFoundPage() {
  const { t } = useI18n();
  useTitle(t("notfound.title"));
  return (
    <div className="page">
      <h1>{t("notfound.title")}</h1>
      <p>{t("notfound.text")}</p>
      <p>
        <Link to="/">{t("nav.home")}</Link>
      </p>
    </div>
  );
}
