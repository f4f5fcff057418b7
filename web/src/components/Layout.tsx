/**
 * The frame of every page: a skip link, the header with the places the person can go (the
 * public portal for everyone, "my applications" for applicants, the workspace for staff), the
 * language switch and the account menu; the page itself in <main>.
 */
import { useEffect, useRef, useState } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { api, call } from "../api/client";
import { holds, homeOf, isDecider, isStaff, useAuth } from "../auth/Auth";
import { useI18n } from "../i18n/I18n";
import { nav as adminNav } from "../pages/admin/routes";
import { nav as budgetNav } from "../pages/budgets/routes";
import { nav as dashboardNav } from "../pages/dashboards/routes";
import { nav as operationsNav } from "../pages/operations/routes";
import { nav as registerNav } from "../pages/registers/routes";
import { Notice } from "./Feedback";

// The areas' entries in the order people use them: figures, money, registers, ops, admin.
const AREA_NAV = [...dashboardNav, ...budgetNav, ...registerNav, ...operationsNav, ...adminNav];

const UNREAD_POLL_MS = 60_000;
// The count waits a moment after a page opens, so the page's own requests go first.
const UNREAD_FIRST_CHECK_MS = 1_500;

function useUnreadCount(active: boolean): number {
  const [count, setCount] = useState(0);
  const location = useLocation();
  useEffect(() => {
    if (!active) {
      setCount(0);
      return;
    }
    let live = true;
    const check = () =>
      call(api().GET("/notifications", { params: { query: { unread: true, limit: 1 } } }))
        .then((answer) => live && setCount(answer.unread_count))
        .catch(() => undefined);
    const first = window.setTimeout(check, UNREAD_FIRST_CHECK_MS);
    const timer = window.setInterval(check, UNREAD_POLL_MS);
    const onRead = () => void check();
    window.addEventListener("satupintu:notifications-read", onRead);
    return () => {
      live = false;
      window.clearTimeout(first);
      window.clearInterval(timer);
      window.removeEventListener("satupintu:notifications-read", onRead);
    };
  }, [active, location.pathname]);
  return count;
}

export function Layout() {
  const { t, language } = useI18n();
  const { me, logout, sessionEnded, chooseLanguage: setLanguage } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const unread = useUnreadCount(!!me);
  const main = useRef<HTMLElement>(null);
  const staff = isStaff(me);
  const firstRender = useRef(true);

  // A new page: close the phone menu, and move focus to the page (as a full load would).
  useEffect(() => {
    setMenuOpen(false);
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus({ preventScroll: false });
  }, [location.pathname]);

  async function onLogout() {
    await logout();
    navigate("/");
  }

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Link to={me ? homeOf(me) : "/"} className="brand">
            <img src="/favicon.svg" alt="" width="28" height="28" />
            <span>satupintu</span>
          </Link>
          <button
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls="site-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            {t("nav.menu")}
          </button>
          <nav id="site-nav" className={`site-nav${menuOpen ? " open" : ""}`} aria-label={t("nav.label")}>
            <ul>
              {staff && isDecider(me) ? (
                <li>
                  <NavLink to="/inbox">{t("nav.inbox")}</NavLink>
                </li>
              ) : null}
              {me ? (
                <li>
                  <NavLink to="/applications" end>
                    {staff ? (holds(me, "submitter") ? t("nav.filed") : t("nav.applications_staff")) : t("nav.my_applications")}
                  </NavLink>
                </li>
              ) : null}
              {staff ? (
                <li>
                  <NavLink to="/delegations">{t("nav.delegations")}</NavLink>
                </li>
              ) : null}
              {me
                ? AREA_NAV.filter((entry) => entry.shownTo(me)).map((entry) => (
                    <li key={entry.to}>
                      <NavLink to={entry.to}>{t(entry.label)}</NavLink>
                    </li>
                  ))
                : null}
              <li>
                <NavLink to="/services">{t("nav.services")}</NavLink>
              </li>
              {/* Logged-in people have their own lists; the public look-ups move to the footer. */}
              {!me ? (
                <>
                  <li>
                    <NavLink to="/track">{t("nav.track")}</NavLink>
                  </li>
                  <li>
                    <NavLink to="/verify">{t("nav.verify")}</NavLink>
                  </li>
                  {/* Logged in, the registers' own entry (pages/registers/routes.tsx) says it. */}
                  <li>
                    <NavLink to="/regulations">{t("library.nav")}</NavLink>
                  </li>
                </>
              ) : null}
              {me ? (
                <li>
                  <NavLink to="/notifications">
                    {t("nav.notifications")}
                    {unread > 0 ? (
                      <>
                        <span className="count" aria-hidden="true">{unread}</span>
                        <span className="visually-hidden">{t("nav.notifications_unread", { count: unread })}</span>
                      </>
                    ) : null}
                  </NavLink>
                </li>
              ) : null}
            </ul>
            <div className="nav-end">
              <div className="language" role="group" aria-label={t("nav.language")}>
                <button type="button" aria-pressed={language === "id"} lang="id" onClick={() => setLanguage("id")}>
                  ID
                </button>
                <button type="button" aria-pressed={language === "en"} lang="en" onClick={() => setLanguage("en")}>
                  EN
                </button>
              </div>
              {me ? (
                <div className="account">
                  <span className="account-name">{me.name}</span>
                  <button type="button" className="button-secondary" onClick={() => void onLogout()}>
                    {t("nav.logout")}
                  </button>
                </div>
              ) : (
                <div className="account">
                  <Link to="/login" className="button-secondary">
                    {t("nav.login")}
                  </Link>
                  <Link to="/register" className="button">
                    {t("nav.register")}
                  </Link>
                </div>
              )}
            </div>
          </nav>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {sessionEnded && !me && !location.pathname.startsWith("/login") ? (
          <Notice kind="warning">
            {t("problem.401")} <Link to={`/login?next=${encodeURIComponent(location.pathname)}`}>{t("nav.login")}</Link>
          </Notice>
        ) : null}
        <Outlet />
      </main>
      <footer className="site-footer">
        <div className="footer-inner">
          <p>{t("footer.text")}</p>
          <ul>
            <li>
              <Link to="/track">{t("nav.track")}</Link>
            </li>
            <li>
              <Link to="/verify">{t("nav.verify")}</Link>
            </li>
            <li>
              <Link to="/services">{t("nav.services")}</Link>
            </li>
            <li>
              <Link to="/dams">{t("dams.nav")}</Link>
            </li>
            <li>
              <Link to="/regulations">{t("library.nav")}</Link>
            </li>
          </ul>
        </div>
      </footer>
    </div>
  );
}
