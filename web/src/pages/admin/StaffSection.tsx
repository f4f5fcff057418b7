/** Who holds what at an office: the roll page by page, revoking, inviting and granting. */
import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { components } from "../../api/schema";
import type { OrgNode } from "../../api/types";
import { useAuth } from "../../auth/Auth";
import { EmptyState, Loading, Notice, ProblemAlert } from "../../components/Feedback";
import { Input } from "../../components/Input";
import { useAction } from "../../hooks/useAction";
import { usePagedList } from "../../hooks/usePagedList";
import { useI18n } from "../../i18n/I18n";
import { ConfirmButton, ROLES, roleKey, type RoleName } from "./shared";

type StaffRole = components["schemas"]["StaffRoleOut"];
type StaffList = components["schemas"]["StaffList"];

function RoleSelect({ id, label, value, onChange, error }: { id: string; label: string; value: string; onChange: (v: string) => void; error?: string | undefined }) {
  const { t } = useI18n();
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}>
        <option value="">{t("field.choose")}</option>
        {ROLES.map((role) => <option key={role} value={role}>{t(roleKey(role))}</option>)}
      </select>
      {error ? <p className="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

function StaffRow({ row, onRevoked }: { row: StaffRole; onRevoked: (said: string) => void }) {
  const { t, dateTime } = useI18n();
  const { me } = useAuth();
  const action = useAction();
  const role = t(roleKey(row.role));
  // The API refuses an admin's revoking their own admin role (nobody would be left to undo it).
  const ownAdmin = row.role === "admin" && row.user_id === me?.id;
  async function revoke() {
    const path = { id: row.user_id, role: row.role, node_id: row.node_id };
    let said = "";
    const done = await action.run(async () => {
      const answer = await call(api().DELETE("/admin/users/{id}/roles/{role}/{node_id}", { params: { path } }));
      said = t("admin.revoked", { role, name: row.name });
      if (answer.ended_delegations.length > 0) {
        said += ` ${t("admin.revoked_delegations", { count: answer.ended_delegations.length, names: answer.ended_delegations.map((d) => d.delegate_name).join(", ") })}`;
      }
    });
    if (done) onRevoked(said);
  }
  return (
    <tr>
      <td>{row.name}</td>
      <td>{row.email}</td>
      <td>{role}</td>
      <td>{row.status === "pending" ? t("admin.status_pending") : t("admin.status_active")}</td>
      <td>{dateTime(row.granted_at)}</td>
      <td>
        {ownAdmin ? null : (
          <ConfirmButton label={t("admin.revoke")} name={t("admin.revoke_named", { role, name: row.name })} yes={t("admin.revoke_yes")}
            busy={action.busy} onConfirm={() => void revoke()} question={t("admin.revoke_confirm", { role, name: row.name })} />
        )}
        <ProblemAlert error={action.error} />
      </td>
    </tr>
  );
}

function InviteForm({ node, onDone }: { node: OrgNode; onDone: (said: string) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState("");
  const action = useAction();
  async function invite(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!email.trim()) found.email = t("rule.required");
    if (!name.trim()) found.name = t("rule.required");
    if (!role) found.role = t("rule.required");
    if (Object.keys(found).length > 0) return action.refuse(found);
    const body = { email: email.trim(), name: name.trim(), roles: [{ role: role as RoleName, node_id: node.id }] };
    if (await action.run(() => call(api().POST("/admin/users", { body })))) {
      onDone(t("admin.invited", { email: email.trim(), role: t(roleKey(role)), office: node.name }));
      setEmail("");
      setName("");
      setRole("");
    }
  }
  const errors = action.fieldErrors;
  return (
    <form className="card" onSubmit={invite} noValidate aria-labelledby="invite-heading">
      <h3 id="invite-heading">{t("admin.invite")}</h3>
      <p className="meta">{t("admin.invite_lead")}</p>
      <ProblemAlert error={action.error} />
      <Input label={t("admin.invite_email")} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required error={errors.email} name="email" autoComplete="off" />
      <Input label={t("admin.invite_name")} value={name} onChange={(e) => setName(e.target.value)} required error={errors.name} name="name" autoComplete="off" />
      <RoleSelect id="invite-role" label={t("admin.invite_role", { office: node.name })} value={role} onChange={setRole} error={errors.role ?? errors["roles[0].role"]} />
      <button type="submit" disabled={action.busy}>{t("admin.invite_send")}</button>
    </form>
  );
}

function GrantForm({ node, people, onDone }: { node: OrgNode; people: StaffRole[]; onDone: (said: string) => void }) {
  const { t } = useI18n();
  const [person, setPerson] = useState("");
  const [role, setRole] = useState("");
  const action = useAction();
  const unique = [...new Map(people.map((p) => [p.user_id, p])).values()];
  async function grant(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!person) found.person = t("rule.required");
    if (!role) found.role = t("rule.required");
    if (Object.keys(found).length > 0) return action.refuse(found);
    const chosen = unique.find((p) => p.user_id === person);
    const body = { role: role as RoleName, node_id: node.id };
    if (await action.run(() => call(api().POST("/admin/users/{id}/roles", { params: { path: { id: person } }, body })))) {
      onDone(t("admin.granted", { name: chosen?.name ?? "", role: t(roleKey(role)), office: node.name }));
      setRole("");
    }
  }
  if (unique.length === 0) return null;
  return (
    <form className="card" onSubmit={grant} noValidate aria-labelledby="grant-heading">
      <h3 id="grant-heading">{t("admin.grant")}</h3>
      <ProblemAlert error={action.error} />
      <div className={`field${action.fieldErrors.person ? " field-invalid" : ""}`}>
        <label htmlFor="grant-person">{t("admin.grant_person")}</label>
        <select id="grant-person" value={person} onChange={(e) => setPerson(e.target.value)}
          aria-invalid={action.fieldErrors.person ? true : undefined} aria-describedby={action.fieldErrors.person ? "grant-person-error" : undefined}>
          <option value="">{t("field.choose")}</option>
          {unique.map((p) => <option key={p.user_id} value={p.user_id}>{`${p.name} <${p.email}>`}</option>)}
        </select>
        {action.fieldErrors.person ? <p className="field-error" id="grant-person-error">{action.fieldErrors.person}</p> : null}
      </div>
      <RoleSelect id="grant-role" label={t("admin.grant_role")} value={role} onChange={setRole} error={action.fieldErrors.role} />
      <button type="submit" disabled={action.busy}>{t("admin.grant_send")}</button>
    </form>
  );
}

export function StaffSection({ node }: { node: OrgNode }) {
  const { t } = useI18n();
  const [said, setSaid] = useState<string | null>(null);
  const roll = usePagedList<StaffRole, StaffList>(
    (cursor) => call(api().GET("/org/nodes/{id}/staff", { params: { path: { id: node.id }, query: cursor ? { cursor } : {} } })),
    [node.id],
  );
  function changed(sentence: string) {
    setSaid(sentence);
    void roll.reload();
  }
  return (
    <section aria-labelledby="staff-heading">
      <h2 id="staff-heading">{t("admin.staff")}</h2>
      {said ? <Notice kind="success">{said}</Notice> : null}
      <ProblemAlert error={roll.error} />
      {roll.loading && roll.items.length === 0 ? <Loading /> : null}
      {!roll.loading && roll.items.length === 0 && !roll.error ? <EmptyState>{t("admin.staff_none")}</EmptyState> : null}
      {roll.items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{t("admin.staff_caption", { office: node.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.staff_name")}</th>
                <th scope="col">{t("admin.staff_email")}</th>
                <th scope="col">{t("admin.staff_role")}</th>
                <th scope="col">{t("admin.staff_status")}</th>
                <th scope="col">{t("admin.staff_since")}</th>
                <th scope="col">{t("admin.staff_actions")}</th>
              </tr>
            </thead>
            <tbody>
              {roll.items.map((row) => <StaffRow key={`${row.user_id}#${row.role}`} row={row} onRevoked={changed} />)}
            </tbody>
          </table>
        </div>
      ) : null}
      {roll.hasMore ? <button type="button" className="button-secondary" onClick={() => void roll.more()}>{t("common.more")}</button> : null}
      <InviteForm node={node} onDone={changed} />
      <GrantForm node={node} people={roll.items} onDone={changed} />
    </section>
  );
}
