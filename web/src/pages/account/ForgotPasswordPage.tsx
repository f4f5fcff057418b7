import { useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { api, call } from "../../api/client";
import { Input } from "../../components/Input";
import { ProblemAlert } from "../../components/Feedback";
import { useAction } from "../../hooks/useAction";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";

export default function ForgotPasswordPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState(params.get("email") ?? "");
  const action = useAction();
  useTitle(t("forgot.title"));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!email.trim()) return action.refuse({ email: t("rule.required") });
    if (await action.run(() => call(api().POST("/auth/password/forgot", { body: { email: email.trim() } })))) {
      navigate(`/reset-password?email=${encodeURIComponent(email.trim())}`);
    }
  }

  return (
    <div className="page narrow">
      <h1>{t("forgot.title")}</h1>
      <p className="lead">{t("forgot.lead")}</p>
      <form onSubmit={submit} noValidate className="card">
        <ProblemAlert error={action.error} />
        <Input label={t("account.email")} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" required error={action.fieldErrors.email} />
        <button type="submit" disabled={action.busy}>
          {t("forgot.submit")}
        </button>
      </form>
    </div>
  );
}
