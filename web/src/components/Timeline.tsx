import type { HistoryEntry } from "../api/types";
import { useI18n } from "../i18n/I18n";
import type { MessageKey } from "../i18n/catalogue";

const ACTIONS: Record<string, MessageKey> = {
  create: "history.create",
  update: "history.update",
  submit: "history.submit",
  resubmit: "history.resubmit",
  approve: "history.approve",
  reject: "history.reject",
  return: "history.return",
  withdraw: "history.withdraw",
  suspend: "history.suspend",
  resume: "history.resume",
  overdue: "history.overdue",
  escalate: "history.escalate",
  add_document: "history.add_document",
  delete_document: "history.delete_document",
  document_accepted: "history.document_accepted",
  document_rejected: "history.document_rejected",
  revoke_certificate: "history.revoke_certificate",
};

// Comments people wrote; the system's own notes (escalations, scans, resumed clocks) are in
// English for operators, and the page says what they mean in the user's language instead.
const WRITTEN_BY_PEOPLE = new Set(["approve", "reject", "return", "withdraw", "suspend", "revoke_certificate"]);

/** An application's history, oldest first: who did what, when, and what they said. */
export function Timeline({ entries }: { entries: HistoryEntry[] }) {
  const { t, dateTime } = useI18n();
  return (
    <ol className="timeline">
      {entries.map((entry, index) => {
        const key = ACTIONS[entry.action];
        return (
          <li key={`${entry.at}-${index}`} className={`timeline-item timeline-${entry.action}`}>
            <div className="timeline-when">
              <time dateTime={entry.at}>{dateTime(entry.at)}</time>
            </div>
            <div className="timeline-what">
              <strong>{key ? t(key) : entry.action}</strong>
              {entry.step ? <span className="timeline-step"> · {t("history.step", { step: entry.step })}</span> : null}
              <div className="timeline-who">
                {entry.actor}
                {entry.on_behalf_of ? ` ${t("history.on_behalf_of", { name: entry.on_behalf_of })}` : ""}
              </div>
              {entry.comment && WRITTEN_BY_PEOPLE.has(entry.action) ? <blockquote className="timeline-comment">{entry.comment}</blockquote> : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
