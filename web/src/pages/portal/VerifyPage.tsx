/** Is this certificate genuine? By its code or its QR code, without logging in. */
import { api, call } from "../../api/client";
import { CodeLookup } from "../../components/CodeLookup";
import { useI18n } from "../../i18n/I18n";

export default function VerifyPage() {
  const { t, pick, dateTime } = useI18n();
  return (
    <CodeLookup
      base="/verify"
      title={t("verify.title")}
      label={t("verify.code_label")}
      help={t("verify.code_help")}
      submit={t("verify.submit")}
      notFound={t("verify.not_found")}
      find={(code) => call(api().GET("/verify/{code}", { params: { path: { code } } }))}
    >
      {(found) => (
        <section className={`card verdict ${found.valid ? "verdict-valid" : "verdict-revoked"}`} aria-labelledby="verdict">
          <h2 id="verdict">{found.valid ? t("verify.valid") : t("verify.revoked")}</h2>
          <dl className="facts">
            <dt>{t("verify.service")}</dt>
            <dd>{pick(found.service_name, found.service_name_en)}</dd>
            <dt>{t("verify.number")}</dt>
            <dd>{found.number}</dd>
            <dt>{t("verify.holder")}</dt>
            <dd>{found.holder}</dd>
            <dt>{t("verify.issued")}</dt>
            <dd>{dateTime(found.issued_at)}</dd>
            {!found.valid ? (
              <>
                <dt>{t("verify.revoked_at")}</dt>
                <dd>{dateTime(found.revoked_at)}</dd>
                <dt>{t("verify.reason")}</dt>
                <dd>{found.revocation_reason}</dd>
              </>
            ) : null}
          </dl>
        </section>
      )}
    </CodeLookup>
  );
}
