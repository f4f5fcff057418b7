/** Lend a role to a colleague for a period (leave, a busy week), and see what was lent to me. */
import { useState, type FormEvent } from "react";
import { loggedInPage } from "../../auth/loggedIn";
import { api, call } from "../../api/client";
import type { Delegation } from "../../api/types";
import { useAuth } from "../../auth/Auth";
import { EmptyState, Loading, Notice, ProblemAlert } from "../../components/Feedback";
import { Input } from "../../components/Input";
import { useAction } from "../../hooks/useAction";
import { useAsync } from "../../hooks/useAsync";
import { useOffices } from "../../hooks/useOffices";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import type { MessageKey } from "../../i18n/catalogue";

const DELEGABLE = ["submitter", "verifier", "approver", "viewer"];
type DelegableRole = "submitter" | "verifier" | "approver" | "viewer"; // the API's DelegationRequest.role

/** A time typed in a datetime-local box, read as WIB (where the offices are). */
export function wibToIso(local: string): string {
  return `${local.length === 16 ? `${local}:00` : local}+07:00`;
}

function roleKey(role: string): MessageKey {
  return ["submitter", "verifier", "approver", "viewer"].includes(role) ? (`role.${role}` as MessageKey) : "role.unknown";
}

function DelegationRow({ delegation, names, onEnded }: { delegation: Delegation; names: Record<string, string>; onEnded: () => void }) {
  const { t, dateTime } = useI18n();
  const [error, setError] = useState<unknown>(null);
  async function end() {
    try {
      await call(api().DELETE("/delegations/{id}", { params: { path: { id: delegation.id } } }));
      onEnded();
    } catch (failure) {
      setError(failure);
    }
  }
  const other = delegation.direction === "given" ? delegation.delegate.name : delegation.delegator.name;
  return (
    <li className="card">
      <p>
        <strong>{t(roleKey(delegation.role))}</strong> · {names[delegation.node_id] ?? delegation.node_id} ·{" "}
        {delegation.direction === "given" ? t("delegations.to", { name: other }) : t("delegations.from", { name: other })}
      </p>
      <p className="meta">
        {dateTime(delegation.starts_at)} – {dateTime(delegation.ends_at)} · {delegation.active ? t("delegations.active") : t("delegations.inactive")}
      </p>
      <ProblemAlert error={error} />
      {delegation.direction === "given" ? (
        <button type="button" className="button-secondary" onClick={() => void end()}>
          {t("delegations.end")}
        </button>
      ) : null}
    </li>
  );
}

function Delegations() {
  const { t } = useI18n();
  const { me } = useAuth();
  const list = useAsync(() => call(api().GET("/delegations")), []);
  const offices = useOffices(me);
  const own = (me?.roles ?? []).filter((r) => DELEGABLE.includes(r.role));
  const [grant, setGrant] = useState("");
  const [email, setEmail] = useState("");
  const [starts, setStarts] = useState("");
  const [ends, setEnds] = useState("");
  const action = useAction();
  const errors = action.fieldErrors;
  const [created, setCreated] = useState(false);
  useTitle(t("nav.delegations"));
  const names = offices.data?.names ?? {};

  async function create(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!grant) found.grant = t("rule.required");
    if (!email.trim()) found.delegate_email = t("rule.required");
    if (!starts) found.starts_at = t("rule.required");
    if (!ends) found.ends_at = t("rule.required");
    else if (starts && ends <= starts) found.ends_at = t("rule.ends_before_start");
    setCreated(false);
    if (Object.keys(found).length > 0) return action.refuse(found);
    const [role = "", node_id = ""] = grant.split("@");
    // The choices are my roles filtered by DELEGABLE, so the role is one of them.
    const body = { role: role as DelegableRole, node_id, delegate_email: email.trim(), starts_at: wibToIso(starts), ends_at: wibToIso(ends) };
    if (await action.run(() => call(api().POST("/delegations", { body })))) {
      setCreated(true);
      setEmail("");
      await list.reload();
    }
  }

  const items = list.data?.items ?? [];
  const given = items.filter((d) => d.direction === "given");
  const received = items.filter((d) => d.direction === "received");
  return (
    <>
      <h1>{t("nav.delegations")}</h1>
      <p className="lead">{t("delegations.lead")}</p>
      {own.length > 0 ? (
        <form className="card" onSubmit={create} noValidate aria-labelledby="new-delegation">
          <h2 id="new-delegation">{t("delegations.new")}</h2>
          {created ? <Notice kind="success">{t("delegations.created")}</Notice> : null}
          <ProblemAlert error={action.error} />
          <div className={`field${errors.grant ? " field-invalid" : ""}`}>
            <label htmlFor="delegation-role">{t("delegations.role")}</label>
            <select
              id="delegation-role"
              value={grant}
              onChange={(e) => setGrant(e.target.value)}
              aria-invalid={errors.grant || errors.role ? true : undefined}
              aria-describedby={errors.grant || errors.role ? "delegation-role-error" : undefined}
            >
              <option value="">{t("field.choose")}</option>
              {own.map((r) => (
                <option key={`${r.role}@${r.node_id}`} value={`${r.role}@${r.node_id}`}>
                  {t(roleKey(r.role))} · {names[r.node_id] ?? r.node_id}
                </option>
              ))}
            </select>
            {errors.grant || errors.role ? (
              <p className="field-error" id="delegation-role-error">
                {errors.grant ?? errors.role}
              </p>
            ) : null}
          </div>
          <Input label={t("delegations.email")} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required error={errors.delegate_email} />
          <Input label={t("delegations.starts")} type="datetime-local" value={starts} onChange={(e) => setStarts(e.target.value)} required help={t("delegations.wib")} error={errors.starts_at} />
          <Input label={t("delegations.ends")} type="datetime-local" value={ends} onChange={(e) => setEnds(e.target.value)} required error={errors.ends_at} />
          <button type="submit" disabled={action.busy}>
            {t("delegations.create")}
          </button>
        </form>
      ) : null}
      <ProblemAlert error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      <section aria-labelledby="given-heading">
        <h2 id="given-heading">{t("delegations.given")}</h2>
        {given.length === 0 ? <EmptyState>{t("delegations.none_given")}</EmptyState> : null}
        <ul className="plain-list">
          {given.map((d) => (
            <DelegationRow key={d.id} delegation={d} names={names} onEnded={() => void list.reload()} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="received-heading">
        <h2 id="received-heading">{t("delegations.received")}</h2>
        {received.length === 0 ? <EmptyState>{t("delegations.none_received")}</EmptyState> : null}
        <ul className="plain-list">
          {received.map((d) => (
            <DelegationRow key={d.id} delegation={d} names={names} onEnded={() => void list.reload()} />
          ))}
        </ul>
      </section>
    </>
  );
}

export default loggedInPage(Delegations, { staff: true });
