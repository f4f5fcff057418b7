/** What the operations pages share: the API's shapes, the section links, state badges. */
import { NavLink } from "react-router";
import type { components } from "../../api/schema";
import { useI18n } from "../../i18n/I18n";
import type { MessageKey } from "../../i18n/catalogue";

type Schemas = components["schemas"];
export type SendRecord = Schemas["SendOut"];
export type SendDetail = Schemas["SendDetailOut"];
export type SendAnswer = Schemas["SendAnswerOut"];
export type QueuePair = Schemas["QueuePairOut"];
export type ScheduleHealth = Schemas["ScheduleHealthOut"];
export type FailedNotification = Schemas["FailedNotificationOut"];
export type Target = "bios" | "civil-registry" | "subscriptions";
export type SendState = "pending" | "sent" | "failed";

export const TARGETS: readonly Target[] = ["bios", "civil-registry", "subscriptions"];
export const STATES: readonly SendState[] = ["pending", "sent", "failed"];

export function targetKey(target: string): MessageKey {
  return (TARGETS as readonly string[]).includes(target) ? (`ops.target.${target}` as MessageKey) : "ops.sends.target";
}

const BADGE: Record<string, string> = { sent: "badge-doc-clean", ok: "badge-doc-clean", failed: "badge-doc-rejected", pending: "badge-doc-scanning" };

/** A record's state (pending, sent, failed) or a run's outcome (ok, failed), in words and colour. */
export function StateBadge({ state, kind = "state" }: { state: string; kind?: "state" | "outcome" }) {
  const { t } = useI18n();
  const key = `ops.${kind}.${state}` as MessageKey;
  return <span className={`badge ${BADGE[state] ?? "badge-status-draft"}`}>{t(key)}</span>;
}

/** The three operations pages, linked from each. */
export function OpsSections() {
  const { t } = useI18n();
  return (
    <nav className="ops-sections" aria-label={t("ops.sections")}>
      <ul>
        <li>
          <NavLink to="/ops/sends">{t("ops.sends.title")}</NavLink>
        </li>
        <li>
          <NavLink to="/ops/queues">{t("ops.queues.title")}</NavLink>
        </li>
        <li>
          <NavLink to="/ops/schedules">{t("ops.schedules.title")}</NavLink>
        </li>
      </ul>
    </nav>
  );
}

/** A registry's answer body as it came: JSON shown as written, text as is. */
export function answerText(answer: unknown): string {
  if (answer === null || answer === undefined) return "";
  return typeof answer === "string" ? answer : JSON.stringify(answer, null, 2);
}
