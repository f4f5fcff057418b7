import type { ApplicationStatus, DocumentItem, SlaState } from "../api/types";
import { useI18n } from "../i18n/I18n";
import type { MessageKey } from "../i18n/catalogue";

const STATUS_KEYS: Record<ApplicationStatus, MessageKey> = {
  draft: "status.draft",
  submitted: "status.submitted",
  in_review: "status.in_review",
  returned: "status.returned",
  approved: "status.approved",
  rejected: "status.rejected",
  withdrawn: "status.withdrawn",
};

export function statusKey(status: string): MessageKey {
  return STATUS_KEYS[status as ApplicationStatus] ?? "status.unknown";
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <span className={`badge badge-status-${status}`}>{t(statusKey(status))}</span>;
}

const SLA_KEYS: Record<SlaState, MessageKey> = {
  on_time: "sla.on_time",
  due_soon: "sla.due_soon",
  overdue: "sla.overdue",
  suspended: "sla.suspended",
};

export function SlaBadge({ state, dueAt }: { state: SlaState | null | undefined; dueAt?: string | null }) {
  const { t, relative } = useI18n();
  if (!state) return null;
  const when = dueAt && state !== "suspended" ? ` · ${relative(dueAt)}` : "";
  return (
    <span className={`badge badge-sla-${state}`}>
      {t(SLA_KEYS[state])}
      {when}
    </span>
  );
}

const DOC_KEYS: Record<DocumentItem["status"], MessageKey> = {
  awaiting_upload: "document.awaiting_upload",
  scanning: "document.scanning",
  clean: "document.clean",
  rejected: "document.rejected",
};

export function DocumentBadge({ status }: { status: DocumentItem["status"] }) {
  const { t } = useI18n();
  return <span className={`badge badge-doc-${status}`}>{t(DOC_KEYS[status])}</span>;
}
