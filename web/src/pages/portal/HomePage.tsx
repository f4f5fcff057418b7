import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { homeOf, isStaff, useAuth } from "../../auth/Auth";
import { useI18n } from "../../i18n/I18n";
import { useTitle } from "../../hooks/useTitle";
import { PROGRAM_KEYS, PROGRAM_ORDER } from "../../services";

export default function HomePage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const navigate = useNavigate();
  const [code, setCode] = useState("");
  useTitle(t("home.title"));

  function track(event: FormEvent) {
    event.preventDefault();
    if (code.trim()) navigate(`/track/${encodeURIComponent(code.trim())}`);
  }

  return (
    <div className="page home">
      <section className="hero">
        <h1>{t("home.title")}</h1>
        <p className="lead">{t("home.lead")}</p>
        <div className="hero-actions">
          <Link className="button" to="/services">
            {t("home.see_services")}
          </Link>
          {me ? (
            <Link className="button-secondary" to={homeOf(me)}>
              {isStaff(me) ? t("home.to_workspace") : t("nav.my_applications")}
            </Link>
          ) : (
            <Link className="button-secondary" to="/register">
              {t("nav.register")}
            </Link>
          )}
        </div>
      </section>
      <section className="cards">
        <form className="card" onSubmit={track} aria-labelledby="home-track">
          <h2 id="home-track">{t("track.title")}</h2>
          <p>{t("home.track_text")}</p>
          <label htmlFor="home-track-code">{t("track.code_label")}</label>
          <div className="inline-form">
            <input id="home-track-code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" placeholder="XXXX-XXXX-XXXX" />
            <button type="submit">{t("track.submit")}</button>
          </div>
        </form>
        <div className="card">
          <h2>{t("verify.title")}</h2>
          <p>{t("home.verify_text")}</p>
          <Link to="/verify">{t("verify.title")}</Link>
        </div>
      </section>
      <section>
        <h2>{t("home.programs")}</h2>
        <ul className="program-list">
          {PROGRAM_ORDER.map((program) => (
            <li key={program}>
              <Link to={`/services#${program}`}>{t(PROGRAM_KEYS[program])}</Link>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
