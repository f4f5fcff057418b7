/** A new password, typed twice, with the rules the server applies (chalicelib/domain/credentials.py). */
import { useState } from "react";
import { fieldMessage } from "../../api/problems";
import { Input } from "../../components/Input";
import type { Translate } from "../../i18n/catalogue";
import { useI18n } from "../../i18n/I18n";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export function passwordProblem(password: string): { code: string; params: { limit: number } } | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return { code: "min_length", params: { limit: PASSWORD_MIN } };
  if (length > PASSWORD_MAX) return { code: "max_length", params: { limit: PASSWORD_MAX } };
  return null;
}

export function useNewPassword() {
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  /** The problems of the pair, under `field` (the request's name for the password) and "repeat". */
  function problems(field: string, t: Translate): Record<string, string> {
    const found: Record<string, string> = {};
    const weak = passwordProblem(password);
    if (weak) found[field] = fieldMessage({ field, detail: "", ...weak }, t);
    if (repeat !== password) found.repeat = t("rule.password_match");
    return found;
  }
  return { password, setPassword, repeat, setRepeat, problems };
}

export function NewPasswordFields({
  label,
  state,
  errors,
  field,
}: {
  label: string;
  state: ReturnType<typeof useNewPassword>;
  errors: Record<string, string>;
  field: string;
}) {
  const { t } = useI18n();
  return (
    <>
      <Input
        label={label}
        type="password"
        value={state.password}
        onChange={(e) => state.setPassword(e.target.value)}
        autoComplete="new-password"
        required
        help={t("account.password_help")}
        error={errors[field]}
      />
      <Input
        label={t("account.password_repeat")}
        type="password"
        value={state.repeat}
        onChange={(e) => state.setRepeat(e.target.value)}
        autoComplete="new-password"
        required
        error={errors.repeat}
      />
    </>
  );
}
