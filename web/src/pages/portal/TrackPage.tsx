/** Where an application stands, by its tracking code, without logging in (no personal data). */
import { api, call } from "../../api/client";
import { StatusBadge, statusKey } from "../../components/Badges";
import { CodeLookup } from "../../components/CodeLookup";
import { useI18n } from "../../i18n/I18n";

export default function TrackPage() {
  const { t, pick, dateTime } = useI18n();
  return (
    <CodeLookup
      base="/track"
      title={t("track.title")}
      label={t("track.code_label")}
      help={t("track.code_help")}
      submit={t("track.submit")}
      notFound={t("track.not_found")}
      placeholder="XXXX-XXXX-XXXX"
      find={(code) => call(api().GET("/track/{code}", { params: { path: { code } } }))}
    >
      {(found) => (
        <section className="card track-result" aria-labelledby="track-result">
          <h2 id="track-result">{pick(found.service_name, found.service_name_en)}</h2>
          <p>
            <StatusBadge status={found.status} /> {found.step ? t("track.at_step", { step: found.step, steps: found.steps_total }) : null}
          </p>
          <p className="meta">{t("track.updated", { when: dateTime(found.updated_at) })}</p>
          <ol className="timeline compact">
            {found.history.map((event, index) => (
              <li key={`${event.at}-${index}`} className="timeline-item">
                <div className="timeline-when">
                  <time dateTime={event.at}>{dateTime(event.at)}</time>
                </div>
                <div className="timeline-what">
                  {t(statusKey(event.status))}
                  {event.step ? ` · ${t("history.step", { step: event.step })}` : ""}
                </div>
              </li>
            ))}
          </ol>
        </section>
      )}
    </CodeLookup>
  );
}
