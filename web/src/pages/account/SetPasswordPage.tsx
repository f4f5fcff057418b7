import { useEffect, useMemo } from "react";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { NewPasswordForm } from "./NewPasswordForm";

/**
 * An invited staff member's first password. The invitation link carries the address and the
 * code in its fragment (#email=…&code=…), which browsers never send to a server.
 */
export default function SetPasswordPage() {
  const { t } = useI18n();
  useTitle(t("set_password.title"));
  const { email, code } = useMemo(() => {
    const raw = window.location.hash.replace(/^#/, "") || window.location.search.replace(/^\?/, "");
    const params = new URLSearchParams(raw);
    return { email: params.get("email") ?? "", code: params.get("code") ?? "" };
  }, []);
  // The code has been read: keep it out of the tab's history.
  useEffect(() => {
    if (window.location.hash || window.location.search) {
      window.history.replaceState(window.history.state, "", window.location.pathname);
    }
  }, []);
  return (
    <div className="page narrow">
      <h1>{t("set_password.title")}</h1>
      <p className="lead">{t("set_password.lead")}</p>
      <NewPasswordForm email={email} code={code} invitation />
    </div>
  );
}
