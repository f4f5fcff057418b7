import type { ReactNode } from "react";
import { problemSentence, type ProblemContext } from "../api/problems";
import { useI18n } from "../i18n/I18n";

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t("common.loading")}
    </p>
  );
}

/** A failed request as one sentence in the user's language; null when there is nothing to say. */
export function ProblemAlert({ error, context, children }: { error: unknown; context?: ProblemContext; children?: ReactNode }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      <p>{problemSentence(error, t, context)}</p>
      {children}
    </div>
  );
}

export function Notice({ kind = "info", children }: { kind?: "info" | "success" | "warning"; children: ReactNode }) {
  return (
    <div className={`alert alert-${kind}`} role="status">
      {children}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
