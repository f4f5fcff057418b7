import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { api, call } from "../../api/client";
import { useAction } from "../../hooks/useAction";
import { Input } from "../../components/Input";
import { ProblemAlert } from "../../components/Feedback";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { NewPasswordFields, useNewPassword } from "./passwords";

export default function RegisterPage() {
  const { t, language } = useI18n();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const secret = useNewPassword();
  const action = useAction();
  const errors = action.fieldErrors;
  useTitle(t("register.title"));

  function check(): Record<string, string> {
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = t("rule.required");
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim())) found.email = t("rule.email");
    Object.assign(found, secret.problems("password", t));
    return found;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = check();
    if (Object.keys(found).length > 0) return action.refuse(found);
    if (await action.run(() => call(api().POST("/auth/register", { body: { email: email.trim(), password: secret.password, name: name.trim(), language } })))) {
      navigate(`/verify-email?email=${encodeURIComponent(email.trim())}`);
    }
  }

  return (
    <div className="page narrow">
      <h1>{t("register.title")}</h1>
      <p className="lead">{t("register.lead")}</p>
      <form onSubmit={submit} noValidate className="card">
        <ProblemAlert error={action.error} />
        <Input label={t("register.name")} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" required error={errors.name} maxLength={120} />
        <Input label={t("account.email")} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" required error={errors.email} />
        <NewPasswordFields label={t("account.password")} state={secret} errors={errors} field="password" />
        <button type="submit" disabled={action.busy}>
          {t("register.submit")}
        </button>
        <p>
          {t("register.have_account")} <Link to="/login">{t("nav.login")}</Link>
        </p>
      </form>
    </div>
  );
}
