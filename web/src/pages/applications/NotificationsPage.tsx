import { useState } from "react";
import { Link } from "react-router";
import { loggedInPage } from "../../auth/loggedIn";
import { api, call } from "../../api/client";
import type { Notification, NotificationList } from "../../api/types";
import { MoreButton } from "../../components/MoreButton";
import { usePagedList } from "../../hooks/usePagedList";

import { EmptyState, Loading, ProblemAlert } from "../../components/Feedback";
import { useTitle } from "../../hooks/useTitle";
import { useI18n } from "../../i18n/I18n";

/** The app's own path for a link the API gives (an absolute address of this web app). */
export function pathOf(link: string | null | undefined): string | null {
  if (!link) return null;
  try {
    const url = new URL(link, window.location.origin);
    return url.origin === window.location.origin ? url.pathname + url.search + url.hash : null;
  } catch {
    return null;
  }
}

function List() {
  const { t, dateTime } = useI18n();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useTitle(t("nav.notifications"));
  const list = usePagedList<Notification, NotificationList>(
    (cursor) => call(api().GET("/notifications", { params: { query: { unread: unreadOnly, cursor: cursor ?? undefined, limit: 50 } } })),
    [unreadOnly],
  );
  const items = list.items;

  async function markRead(notification: Notification) {
    if (notification.read_at) return;
    try {
      await call(api().POST("/notifications/{id}/read", { params: { path: { id: notification.id } } }));
      list.setItems((current) => current.map((n) => (n.id === notification.id ? { ...n, read_at: new Date().toISOString() } : n)));
      window.dispatchEvent(new Event("satupintu:notifications-read"));
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <>
      <h1>{t("nav.notifications")}</h1>
      <p className="meta">{list.first ? t("notifications.unread", { count: list.first.unread_count }) : null}</p>
      <div className="filters">
        <input type="checkbox" id="unread-only" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} />
        <label htmlFor="unread-only">{t("notifications.unread_only")}</label>
      </div>
      <ProblemAlert error={list.error ?? error} />
      {list.loading ? <Loading /> : null}
      {!list.loading && items.length === 0 && !list.hasMore ? <EmptyState>{t("notifications.none")}</EmptyState> : null}
      <ul className="notification-list">
        {items.map((notification) => {
          const path = pathOf(notification.link) ?? (notification.application_id ? `/applications/${notification.application_id}` : null);
          return (
            <li key={notification.id} className={`card notification${notification.read_at ? "" : " unread"}`}>
              <div className="notification-head">
                {path ? (
                  <Link to={path} onClick={() => void markRead(notification)}>
                    {notification.title}
                  </Link>
                ) : (
                  <strong>{notification.title}</strong>
                )}
                {!notification.read_at ? <span className="badge badge-unread">{t("notifications.new")}</span> : null}
              </div>
              <p>{notification.summary}</p>
              <p className="meta">
                <time dateTime={notification.created_at}>{dateTime(notification.created_at)}</time>
                {!notification.read_at ? (
                  <>
                    {" · "}
                    <button type="button" className="link-button" onClick={() => void markRead(notification)}>
                      {t("notifications.mark_read")}
                    </button>
                  </>
                ) : null}
              </p>
            </li>
          );
        })}
      </ul>
      <MoreButton list={list} />
    </>
  );
}

export default loggedInPage(List, { narrow: true });
