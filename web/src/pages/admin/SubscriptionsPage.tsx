/** Event subscriptions: made with their signing secret shown once, paused, resumed, deleted. */
import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { components } from "../../api/schema";
import { useAuth } from "../../auth/Auth";
import { loggedInPage } from "../../auth/loggedIn";
import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { Input } from "../../components/Input";
import { useAction } from "../../hooks/useAction";
import { useOffices } from "../../hooks/useOffices";
import { usePagedList } from "../../hooks/usePagedList";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";
import type { MessageKey } from "../../i18n/catalogue";
import { AdminTabs, ConfirmButton } from "./shared";
import { MoreButton } from "../../components/MoreButton";

type Subscription = components["schemas"]["SubscriptionOut"];
type SubscriptionList = components["schemas"]["SubscriptionList"];
type Delivery = components["schemas"]["SubscriptionDeliveryOut"];
type DeliveryList = components["schemas"]["SubscriptionDeliveryList"];
type EventName = components["schemas"]["CreateSubscriptionRequest"]["events"][number];

/** The events the API sends (chalicelib/domain/subscriptions.py EVENTS). */
const EVENTS: readonly EventName[] = [
  "application.submitted", "application.resubmitted", "application.step_approved", "application.approved",
  "application.rejected", "application.returned", "application.withdrawn",
];
const eventKey = (event: string) => (`admin.event.${event}` as MessageKey);

function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  }
  return (
    <section className="card secret-once" aria-labelledby="secret-heading">
      <h2 id="secret-heading">{t("admin.subs_secret_title")}</h2>
      <p><strong>{t("admin.subs_secret_once")}</strong></p>
      <p><code className="secret" data-testid="subscription-secret">{secret}</code></p>
      <button type="button" onClick={() => void copy()}>{t("admin.subs_copy")}</button>{" "}
      <button type="button" className="button-secondary" onClick={onDone}>{t("admin.subs_secret_done")}</button>
      <p role="status" aria-live="polite">{copied === "yes" ? t("admin.subs_copied") : copied === "failed" ? t("admin.subs_copy_failed") : null}</p>
    </section>
  );
}

function NewSubscription({ offices, onCreated }: { offices: { id: string; name: string }[]; onCreated: (secret: string) => void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<EventName[]>([]);
  const [office, setOffice] = useState("");
  const [description, setDescription] = useState("");
  const action = useAction();
  const errors = action.fieldErrors;
  function toggle(event: EventName, on: boolean) {
    setEvents((current) => (on ? [...current, event] : current.filter((e) => e !== event)));
  }
  async function create(submitted: FormEvent) {
    submitted.preventDefault();
    const found: Record<string, string> = {};
    if (!url.trim().startsWith("https://")) found.url = t("rule.required");
    if (events.length === 0) found.events = t("rule.required");
    if (!office) found.node_id = t("rule.required");
    if (Object.keys(found).length > 0) return action.refuse(found);
    let secret = "";
    const body = { url: url.trim(), events, node_id: office, ...(description.trim() ? { description: description.trim() } : {}) };
    if (await action.run(async () => { secret = (await call(api().POST("/subscriptions", { body }))).secret; })) {
      setUrl("");
      setEvents([]);
      setDescription("");
      onCreated(secret);
    }
  }
  return (
    <form className="card" onSubmit={create} noValidate aria-labelledby="new-subscription">
      <h2 id="new-subscription">{t("admin.subs_new")}</h2>
      <ProblemAlert error={action.error} />
      <Input label={t("admin.subs_url")} type="url" value={url} onChange={(e) => setUrl(e.target.value)} required error={errors.url} placeholder="https://" name="url" />
      <fieldset className={`field${errors.events ? " field-invalid" : ""}`} aria-describedby={errors.events ? "events-error" : undefined}>
        <legend>{t("admin.subs_events")}</legend>
        {EVENTS.map((event) => (
          <label key={event} className="checkbox">
            <input type="checkbox" checked={events.includes(event)} onChange={(e) => toggle(event, e.target.checked)} /> {t(eventKey(event))} <code>{event}</code>
          </label>
        ))}
        {errors.events ? <p className="field-error" id="events-error">{errors.events}</p> : null}
      </fieldset>
      <div className={`field${errors.node_id ? " field-invalid" : ""}`}>
        <label htmlFor="subscription-office">{t("admin.subs_office")}</label>
        <select id="subscription-office" value={office} onChange={(e) => setOffice(e.target.value)}
          aria-invalid={errors.node_id ? true : undefined} aria-describedby={errors.node_id ? "subscription-office-error" : undefined}>
          <option value="">{t("field.choose")}</option>
          {offices.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
        </select>
        {errors.node_id ? <p className="field-error" id="subscription-office-error">{errors.node_id}</p> : null}
      </div>
      <Input label={t("admin.subs_description")} value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} name="description" />
      <button type="submit" disabled={action.busy}>{t("admin.subs_create")}</button>
    </form>
  );
}

function SubscriptionRow({ sub, officeName, onChanged, onShow }: { sub: Subscription; officeName: string; onChanged: (changed: Subscription | null) => void; onShow: () => void }) {
  const { t, dateTime } = useI18n();
  const action = useAction();
  const path = { path: { id: sub.id } };
  async function pause() {
    let changed: Subscription | null = null;
    if (await action.run(async () => { changed = await call(api().POST("/subscriptions/{id}/pause", { params: path })); })) onChanged(changed);
  }
  async function resume() {
    let changed: Subscription | null = null;
    if (await action.run(async () => { changed = await call(api().POST("/subscriptions/{id}/resume", { params: path })); })) onChanged(changed);
  }
  async function remove() {
    if (await action.run(() => call(api().DELETE("/subscriptions/{id}", { params: path })))) onChanged(null);
  }
  return (
    <tr>
      <td><code>{sub.url}</code>{sub.description ? <div className="meta">{sub.description}</div> : null}</td>
      <td>{sub.events.map((e) => t(eventKey(e))).join(", ")}</td>
      <td>{officeName}</td>
      <td>
        {sub.state === "active" ? t("admin.subs_active") : t("admin.subs_paused")}
        {sub.state === "paused" && sub.paused_at ? <div className="meta">{t("admin.subs_paused_since", { at: dateTime(sub.paused_at), reason: sub.paused_reason ?? "" })}</div> : null}
      </td>
      <td>{sub.failures_in_a_row}</td>
      <td>{sub.last_delivered_at ? dateTime(sub.last_delivered_at) : t("admin.subs_never")}</td>
      <td>
        {sub.state === "active" ? (
          <button type="button" className="button-secondary" disabled={action.busy} onClick={() => void pause()}>{t("admin.subs_pause")}</button>
        ) : (
          <button type="button" className="button-secondary" disabled={action.busy} onClick={() => void resume()}>{t("admin.subs_resume")}</button>
        )}{" "}
        <button type="button" className="button-secondary" onClick={onShow}>{t("admin.deliv_show")}</button>{" "}
        <ConfirmButton label={t("admin.subs_delete")} yes={t("admin.subs_delete")} busy={action.busy} onConfirm={() => void remove()}
          question={t("admin.subs_delete_confirm", { url: sub.url })} />
        <ProblemAlert error={action.error} />
      </td>
    </tr>
  );
}

const DELIVERY_STATE_KEYS: Record<Delivery["state"], MessageKey> = {
  pending: "admin.deliv_pending",
  sent: "admin.deliv_sent",
  failed: "admin.deliv_failed",
};

/** One subscription's deliveries, newest first, with what the receiver answered. */
function Deliveries({ sub, onClose }: { sub: Subscription; onClose: () => void }) {
  const { t, dateTime } = useI18n();
  const list = usePagedList<Delivery, DeliveryList>(
    (cursor) => call(api().GET("/subscriptions/{id}/deliveries", { params: { path: { id: sub.id }, query: cursor ? { cursor } : {} } })),
    [sub.id],
  );
  return (
    <section className="card" aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">{t("admin.deliv_title", { url: sub.url })}</h2>
      <ProblemAlert error={list.error} />
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && list.items.length === 0 && !list.error ? <EmptyState>{t("admin.deliv_none")}</EmptyState> : null}
      {list.items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{t("admin.deliv_caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.deliv_at")}</th>
                <th scope="col">{t("admin.deliv_event")}</th>
                <th scope="col">{t("admin.deliv_application")}</th>
                <th scope="col">{t("admin.deliv_state")}</th>
                <th scope="col">{t("admin.deliv_attempts")}</th>
                <th scope="col">{t("admin.deliv_answer")}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((d) => (
                <tr key={d.event_id}>
                  <td>{dateTime(d.created_at)}</td>
                  <td>{t(eventKey(d.event))}</td>
                  <td>{d.tracking_code ?? d.application_id ?? ""}</td>
                  <td>
                    {t(DELIVERY_STATE_KEYS[d.state])}
                    {d.state === "pending" && d.next_attempt_at && d.attempts > 0 ? <div className="meta">{t("admin.deliv_next", { at: dateTime(d.next_attempt_at) })}</div> : null}
                  </td>
                  <td>{d.attempts}</td>
                  <td>{[d.last_http_status ? `HTTP ${d.last_http_status}` : null, d.last_message].filter(Boolean).join(" · ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <MoreButton list={list} />
      <button type="button" className="button-secondary" onClick={onClose}>{t("admin.deliv_close")}</button>
    </section>
  );
}

function Subscriptions() {
  const { t } = useI18n();
  const { me } = useAuth();
  const offices = useOffices(me, ["admin"]);
  const [secret, setSecret] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const list = usePagedList<Subscription, SubscriptionList>((cursor) => call(api().GET("/subscriptions", { params: { query: cursor ? { cursor } : {} } })), []);
  useTitle(t("admin.subs_title"));
  const names = offices.data?.names ?? {};
  const shownSub = list.items.find((s) => s.id === shown);

  function changed(id: string, sub: Subscription | null) {
    list.setItems((items) => (sub ? items.map((s) => (s.id === id ? sub : s)) : items.filter((s) => s.id !== id)));
  }

  return (
    <>
      <AdminTabs />
      <h1>{t("admin.subs_title")}</h1>
      <p className="lead">{t("admin.subs_lead")}</p>
      {secret ? <SecretOnce secret={secret} onDone={() => setSecret(null)} /> : null}
      <NewSubscription offices={offices.data?.choices ?? []} onCreated={(made) => { setSecret(made); void list.reload(); }} />
      <ProblemAlert error={list.error} />
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && list.items.length === 0 && !list.error ? <EmptyState>{t("admin.subs_none")}</EmptyState> : null}
      {list.items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{t("admin.subs_caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.subs_url")}</th>
                <th scope="col">{t("admin.subs_events")}</th>
                <th scope="col">{t("admin.subs_office")}</th>
                <th scope="col">{t("admin.subs_state")}</th>
                <th scope="col">{t("admin.subs_failures")}</th>
                <th scope="col">{t("admin.subs_last")}</th>
                <th scope="col">{t("admin.staff_actions")}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((sub) => (
                <SubscriptionRow key={sub.id} sub={sub} officeName={names[sub.node_id] ?? sub.node_id} onChanged={(c) => changed(sub.id, c)}
                  onShow={() => setShown(sub.id)} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <MoreButton list={list} />
      {shownSub ? <Deliveries key={shownSub.id} sub={shownSub} onClose={() => setShown(null)} /> : null}
    </>
  );
}

export default loggedInPage(Subscriptions, { staff: true });
