import { useSearchParams } from "react-router";
import { Notice } from "../../components/Feedback";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import { NewPasswordForm } from "./NewPasswordForm";

export default function ResetPasswordPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const email = params.get("email") ?? "";
  useTitle(t("reset.title"));
  return (
    <div className="page narrow">
      <h1>{t("reset.title")}</h1>
      <Notice>{t("reset.sent")}</Notice>
      <NewPasswordForm email={email} code="" invitation={false} />
    </div>
  );
}
