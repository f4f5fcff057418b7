import { Link, useRouteError } from "react-router";
import { useI18n } from "../i18n/I18n";

/** A page that failed to load (its chunk, after a release, or a bug): say so and offer a way on. */
export function RouteError() {
  const { t } = useI18n();
  const error = useRouteError();
  const chunkGone = error instanceof Error && /dynamically imported module|Importing a module script failed/i.test(error.message);
  return (
    <main id="main" className="page">
      <div className="alert alert-error" role="alert">
        <p>{chunkGone ? t("error.new_version") : t("problem.unexpected")}</p>
        <p>
          <button type="button" onClick={() => window.location.reload()}>
            {t("common.retry")}
          </button>{" "}
          <Link to="/">{t("nav.home")}</Link>
        </p>
      </div>
    </main>
  );
}
