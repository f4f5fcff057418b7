import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api, call } from "../../api/client";
import { useAction } from "../../hooks/useAction";
import { Input } from "../../components/Input";
import { Notice, ProblemAlert } from "../../components/Feedback";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";

export default function VerifyEmailPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState(params.get("email") ?? "");
  const [code, setCode] = useState("");
  const action = useAction();
  const errors = action.fieldErrors;
  useTitle(t("verify_email.title"));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!email.trim()) found.email = t("rule.required");
    if (!/^\d{6}$/.test(code.trim())) found.code = t("verify_email.code_format");
    if (Object.keys(found).length > 0) return action.refuse(found);
    if (await action.run(() => call(api().POST("/auth/verify", { body: { email: email.trim(), code: code.trim() } })))) {
      navigate(`/login?verified=1&email=${encodeURIComponent(email.trim())}`);
    }
  }

  return (
    <div className="page narrow">
      <h1>{t("verify_email.title")}</h1>
      <Notice>{t("verify_email.sent", { email: email || "…" })}</Notice>
      <form onSubmit={submit} noValidate className="card">
        <ProblemAlert error={action.error} context="code" />
        <Input label={t("account.email")} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" required error={errors.email} />
        <Input
          label={t("verify_email.code")}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          required
          error={errors.code}
        />
        <button type="submit" disabled={action.busy}>
          {t("verify_email.submit")}
        </button>
        <p className="meta">
          {t("verify_email.no_code")} <Link to="/register">{t("verify_email.again")}</Link>
        </p>
      </form>
    </div>
  );
}
