import { useCallback, useState } from "react";
import { fieldErrorsUnder } from "../api/problems";
import { useI18n } from "../i18n/I18n";

export interface Action {
  busy: boolean;
  /** The failure to show as a sentence (ProblemAlert), null when the last run went well. */
  error: unknown;
  /** The failure's field problems, by field name, in the reader's language. */
  fieldErrors: Record<string, string>;
  /** Run a change: busy while it runs, its problems kept; answers whether it succeeded. */
  run: (change: () => Promise<unknown>) => Promise<boolean>;
  /** Problems found before asking the server (the same rules, said sooner). */
  refuse: (fieldErrors: Record<string, string>) => void;
}

/** What every form that sends something does around the request. */
export function useAction(): Action {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const run = useCallback(
    async (change: () => Promise<unknown>) => {
      setBusy(true);
      setError(null);
      setFieldErrors({});
      try {
        await change();
        return true;
      } catch (failure) {
        setFieldErrors(fieldErrorsUnder(failure, "", t));
        setError(failure);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [t],
  );

  const refuse = useCallback((found: Record<string, string>) => {
    setError(null);
    setFieldErrors(found);
  }, []);

  return { busy, error, fieldErrors, run, refuse };
}
