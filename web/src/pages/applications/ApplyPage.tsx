/** Apply: pick the office, and a draft is made at once; the form and the uploads follow. */
import { useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { loggedInPage } from "../../auth/loggedIn";
import { api, call } from "../../api/client";
import { allRoles, useAuth } from "../../auth/Auth";
import { Loading, Notice, ProblemAlert } from "../../components/Feedback";
import { useAsync } from "../../hooks/useAsync";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { loadService } from "../../services";

function Apply() {
  const { serviceId = "" } = useParams();
  // A page that knows the office links here with it chosen (?office=, e.g. a cluster's budget page).
  const [params] = useSearchParams();
  const { t, pick } = useI18n();
  const { me } = useAuth();
  const navigate = useNavigate();
  const service = useAsync(() => loadService(serviceId), [serviceId]);
  const offices = useAsync(
    () => call(api().GET("/services/{id}/offices", { params: { path: { id: serviceId } } })),
    [serviceId],
  );
  const [chosen, setChosen] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const found = service.data;
  useTitle(found ? t("apply.title", { service: pick(found.name, found.name_en) }) : t("apply.title_plain"));

  if ((service.loading && !found) || (offices.loading && !offices.data)) return <Loading />;
  if (!found) return <ProblemAlert error={service.error ?? offices.error} />;

  // Staff file at the offices they hold `submitter` at (or below); the public anywhere it is offered.
  const submitterAt = allRoles(me).filter((r) => r.role === "submitter").map((r) => r.node_id);
  const open = (offices.data?.items ?? []).filter(
    (office) => found.filed_by === "public" || office.path.some((id) => submitterAt.includes(id)),
  );
  const named = params.get("office");
  const preset = open.some((office) => office.id === named) ? (named ?? "") : "";
  const selected = chosen || preset || (open.length === 1 ? (open[0]?.id ?? "") : "");

  async function start() {
    if (!selected) return;
    setBusy(true);
    setError(null);
    try {
      const draft = await call(api().POST("/applications", { body: { service_id: serviceId, node_id: selected, data: {} } }));
      navigate(`/applications/${draft.id}/edit`, { replace: true });
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  return (
    <>
      <nav className="breadcrumbs" aria-label={t("nav.breadcrumbs")}>
        <Link to={`/services/${found.id}`}>{pick(found.name, found.name_en)}</Link>
      </nav>
      <h1>{t("apply.title", { service: pick(found.name, found.name_en) })}</h1>
      <ProblemAlert error={error ?? offices.error} />
      {open.length === 0 ? (
        <Notice kind="warning">{found.filed_by === "staff" ? t("apply.no_office_staff") : t("apply.no_office")}</Notice>
      ) : (
        <form
          className="card"
          onSubmit={(event) => {
            event.preventDefault();
            void start();
          }}
        >
          <fieldset>
            <legend>{t("apply.office")}</legend>
            {open.map((office) => (
              <div key={office.id} className="radio">
                <input
                  type="radio"
                  id={`office-${office.id}`}
                  name="office"
                  value={office.id}
                  checked={selected === office.id}
                  onChange={() => setChosen(office.id)}
                />
                <label htmlFor={`office-${office.id}`}>{office.name}</label>
              </div>
            ))}
          </fieldset>
          <p className="field-help">{t("apply.draft_note")}</p>
          <button type="submit" disabled={!selected || busy}>
            {t("apply.start")}
          </button>
        </form>
      )}
    </>
  );
}

export default loggedInPage(Apply, { narrow: true });
