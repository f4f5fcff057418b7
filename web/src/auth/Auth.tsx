/**
 * Who is logged in (GET /me), kept for every page, and what the session's events mean for the
 * person: a session that ended asks them to log in again and brings them back afterwards.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { api, call, session } from "../api/client";
import type { User } from "../api/types";
import { Loading, ProblemAlert } from "../components/Feedback";
import { useI18n } from "../i18n/I18n";
import type { Language } from "../i18n/catalogue";

export const DECIDER_ROLES = ["verifier", "approver"] as const;

export interface Auth {
  me: User | null;
  /** True until the first /me answered (or there was no session to ask about). */
  loading: boolean;
  /** Set when a session ended by itself (expired or revoked), until the next login. */
  sessionEnded: boolean;
  /** Who is logged in could not be asked (no connection): the session may well be fine. */
  unreachable: unknown;
  login: (email: string, password: string) => Promise<User>;
  logout: () => Promise<void>;
  reload: () => Promise<void>;
  /** Change the language here and, when logged in, on the account (its e-mails follow). */
  chooseLanguage: (language: Language) => void;
}

const AuthContext = createContext<Auth | null>(null);

export function isStaff(me: User | null): boolean {
  return !!me && (me.roles.length > 0 || (me.delegated_roles ?? []).length > 0);
}

export function allRoles(me: User | null): { role: string; node_id: string }[] {
  if (!me) return [];
  return [...me.roles, ...(me.delegated_roles ?? []).map((d) => ({ role: d.role, node_id: d.node_id }))];
}

export function isDecider(me: User | null): boolean {
  return allRoles(me).some((r) => (DECIDER_ROLES as readonly string[]).includes(r.role));
}

/** Where a person's work is: deciders' inbox, otherwise their applications. */
export function homeOf(me: User | null): string {
  return isDecider(me) ? "/inbox" : "/applications";
}

export function holds(me: User | null, role: string): boolean {
  return allRoles(me).some((r) => r.role === role);
}

/** What was typed into forms and kept in case of trouble (it may hold NIKs) goes with the session. */
function forgetUnsavedForms(): void {
  try {
    for (const key of Object.keys(window.sessionStorage)) {
      if (key.startsWith("satupintu.unsaved.")) window.sessionStorage.removeItem(key);
    }
  } catch {
    // storage off: nothing was kept
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const { setLanguage } = useI18n();
  const [me, setMe] = useState<User | null>(null);
  const [loading, setLoading] = useState(session().isLoggedIn);
  const [sessionEnded, setSessionEnded] = useState(false);
  const [unreachable, setUnreachable] = useState<unknown>(null);

  const reload = useCallback(async () => {
    if (!session().isLoggedIn) {
      setMe(null);
      setLoading(false);
      return;
    }
    try {
      setMe(await call(api().GET("/me")));
      setUnreachable(null);
    } catch (failure) {
      // A refused session says so through its events; anything else is kept to be shown.
      if (session().isLoggedIn) setUnreachable(failure);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
    return session().subscribe((event) => {
      if (event === "login") {
        setSessionEnded(false);
        void reload();
      } else {
        setMe(null);
        setLoading(false);
        if (event === "expired") setSessionEnded(true);
      }
    });
  }, [reload]);

  const login = useCallback(async (email: string, password: string) => {
    const pair = await call(api().POST("/auth/login", { body: { email, password } }));
    const previous = session().storedRefreshToken();
    if (previous) {
      // Someone else was logged in here: end that session on the server before replacing it.
      await call(api().POST("/auth/logout", { body: { refresh_token: previous } })).catch(() => undefined);
    }
    session().start(pair);
    const user = await call(api().GET("/me"));
    setMe(user);
    setSessionEnded(false);
    return user;
  }, []);

  const logout = useCallback(async () => {
    const refreshToken = session().storedRefreshToken();
    if (refreshToken) {
      try {
        await call(api().POST("/auth/logout", { body: { refresh_token: refreshToken } }));
      } catch {
        // Logged out here whatever the server says: the token is forgotten on this device.
      }
    }
    session().end();
    setMe(null);
    setSessionEnded(false); // a refresh refused on the way out is no news to someone leaving
    forgetUnsavedForms();
  }, []);

  // A logged-in person's language is their account's, and the app follows it when it loads;
  // unless they chose one on this visit before logging in (on the login page, say): that choice
  // is the newer one, and the account follows it.
  const askedLanguage = useRef<string | null>(null);
  const chosenLoggedOut = useRef<Language | null>(null);
  const accountLanguage = me?.language;
  useEffect(() => {
    if (accountLanguage !== "id" && accountLanguage !== "en") return;
    const chosen = chosenLoggedOut.current;
    chosenLoggedOut.current = null;
    if (chosen && chosen !== accountLanguage) {
      askedLanguage.current = chosen;
      call(api().PATCH("/me", { body: { language: chosen } }))
        .then(setMe)
        .catch(() => undefined);
      return;
    }
    setLanguage(accountLanguage);
  }, [accountLanguage, setLanguage]);

  const chooseLanguage = useCallback(
    (next: Language) => {
      setLanguage(next);
      if (!me) {
        chosenLoggedOut.current = next;
        return;
      }
      // Compared with the last language asked for, not the account's: quick clicks both count.
      if ((askedLanguage.current ?? me.language) !== next) {
        askedLanguage.current = next;
        call(api().PATCH("/me", { body: { language: next } }))
          .then(setMe)
          .catch(() => undefined); // the page is already in the new language; the account follows next time
      }
    },
    [me, setLanguage],
  );

  const value = useMemo(
    () => ({ me, loading, sessionEnded, unreachable, login, logout, reload, chooseLanguage }),
    [me, loading, sessionEnded, unreachable, login, logout, reload, chooseLanguage],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const found = useContext(AuthContext);
  if (!found) throw new Error("useAuth outside AuthProvider");
  return found;
}

/** Pages for logged-in people: others are sent to log in, and come back here after. */
export function RequireLogin({ children, staff = false }: { children: ReactNode; staff?: boolean }) {
  const { me, loading, unreachable, reload } = useAuth();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!me && unreachable && session().isLoggedIn) {
    // Offline, not logged out: say so, and keep the person where they are.
    return (
      <ProblemAlert error={unreachable}>
        <button type="button" onClick={() => void reload()}>
          <RetryLabel />
        </button>
      </ProblemAlert>
    );
  }
  if (!me) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (staff && !isStaff(me)) return <Navigate to="/applications" replace />;
  return <>{children}</>;
}

function RetryLabel() {
  const { t } = useI18n();
  return <>{t("common.retry")}</>;
}
