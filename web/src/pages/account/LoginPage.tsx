import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../../api/problems";
import { homeOf, useAuth } from "../../auth/Auth";
import { Input } from "../../components/Input";
import { Notice, ProblemAlert } from "../../components/Feedback";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";

/** Only paths inside this app: a crafted ?next= must not send someone elsewhere after login. */
export function safeNext(next: string | null, origin: string = window.location.origin): string | null {
  // eslint-disable-next-line no-control-regex
  if (!next || !next.startsWith("/") || /[\u0000-\u001f\\]/.test(next)) return null;
  try {
    const url = new URL(next, origin);
    return url.origin === origin ? url.pathname + url.search + url.hash : null;
  } catch {
    return null;
  }
}

export default function LoginPage() {
  const { t } = useI18n();
  const { login, sessionEnded } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState(params.get("email") ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useTitle(t("login.title"));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const me = await login(email.trim(), password);
      navigate(safeNext(params.get("next")) ?? homeOf(me), { replace: true });
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  const unverified = error instanceof ApiError && error.slug === "account-not-verified";
  return (
    <div className="page narrow">
      <h1>{t("login.title")}</h1>
      {sessionEnded ? <Notice kind="warning">{t("problem.401")}</Notice> : null}
      {params.get("verified") ? <Notice kind="success">{t("login.verified")}</Notice> : null}
      {params.get("reset") ? <Notice kind="success">{t("login.password_set")}</Notice> : null}
      <form onSubmit={submit} className="card">
        <ProblemAlert error={error} context="login">
          {unverified ? (
            <p>
              <Link to={`/verify-email?email=${encodeURIComponent(email.trim())}`}>{t("login.enter_code")}</Link>
            </p>
          ) : null}
        </ProblemAlert>
        <Input label={t("account.email")} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" required />
        <Input label={t("account.password")} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
        <button type="submit" disabled={busy}>
          {t("login.submit")}
        </button>
        <p>
          <Link to={`/forgot-password${email ? `?email=${encodeURIComponent(email.trim())}` : ""}`}>{t("login.forgot")}</Link>
        </p>
        <p>
          {t("login.no_account")} <Link to="/register">{t("nav.register")}</Link>
        </p>
      </form>
    </div>
  );
}
