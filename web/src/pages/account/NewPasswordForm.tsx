/**
 * A new password with a code: the reset code someone asked for (/reset-password), or the
 * invitation a new staff member got by e-mail (/set-password, the code in the link).
 */
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { api, call } from "../../api/client";
import { useAction } from "../../hooks/useAction";
import { Input } from "../../components/Input";
import { ProblemAlert } from "../../components/Feedback";
import { useI18n } from "../../i18n/I18n";
import { NewPasswordFields, useNewPassword } from "./passwords";

export function NewPasswordForm({ email: givenEmail, code: givenCode, invitation }: { email: string; code: string; invitation: boolean }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [email, setEmail] = useState(givenEmail);
  const [code, setCode] = useState(givenCode);
  const secret = useNewPassword();
  const action = useAction();
  const errors = action.fieldErrors;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!email.trim()) found.email = t("rule.required");
    if (!code.trim()) found.code = t("rule.required");
    Object.assign(found, secret.problems("new_password", t));
    if (Object.keys(found).length > 0) return action.refuse(found);
    const body = { email: email.trim(), code: code.trim(), new_password: secret.password };
    if (await action.run(() => call(api().POST("/auth/password/reset", { body })))) {
      navigate(`/login?reset=1&email=${encodeURIComponent(email.trim())}`);
    }
  }

  return (
    <form onSubmit={submit} noValidate className="card">
      <ProblemAlert error={action.error} context="code" />
      <Input label={t("account.email")} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" required error={errors.email} readOnly={invitation && !!givenEmail} />
      {invitation && givenCode ? null : (
        <Input
          label={t("reset.code")}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoComplete="one-time-code"
          required
          error={errors.code}
        />
      )}
      {invitation && givenCode && errors.code ? (
        <p className="field-error" role="alert">
          {errors.code}
        </p>
      ) : null}
      <NewPasswordFields label={t("reset.new_password")} state={secret} errors={errors} field="new_password" />
      <button type="submit" disabled={action.busy}>
        {invitation ? t("set_password.submit") : t("reset.submit")}
      </button>
    </form>
  );
}
