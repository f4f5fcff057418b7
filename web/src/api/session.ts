/**
 * The login session: the access token in memory only, the refresh token in localStorage (why:
 * docs/WEB.md, "Tokens"), and one refresh at a time across every tab of the browser.
 *
 * The API rotates refresh tokens and ends the whole session when an old one comes back
 * (reuse detection), so two tabs refreshing with the same token at once would log the user
 * out. Refreshes therefore run under a Web Lock; a tab that waited for the lock uses the token
 * the other tab stored rather than the one it started with.
 */

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export type RefreshCall = (refreshToken: string) => Promise<TokenPair | "refused">;

export type SessionEvent = "login" | "logout" | "expired";

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export const REFRESH_TOKEN_KEY = "satupintu.refresh_token";
// Changed on every login (not on rotations): another tab's login, perhaps as someone else.
export const LOGIN_KEY = "satupintu.login";
const LEASE_KEY = "satupintu.refresh_lease";
const LEASE_MS = 10_000;
const LOCK_NAME = "satupintu.refresh";
// Refresh a little before the token runs out, so a request never leaves with a dying token.
const EXPIRY_MARGIN_MS = 30_000;

export class Session {
  private accessToken: string | null = null;
  private accessExpiresAt = 0;
  private refreshing: Promise<string | null> | null = null;
  private readonly listeners = new Set<(event: SessionEvent) => void>();

  constructor(
    private readonly refreshCall: RefreshCall,
    private readonly storage: Storage = window.localStorage,
    private readonly locks: LockManagerLike | null = navigator.locks ?? null,
    private readonly now: () => number = Date.now,
  ) {
    // Another tab logged out, or logged in (perhaps as someone else): follow it.
    window.addEventListener("storage", (event) => {
      if (event.key === null || (event.key === REFRESH_TOKEN_KEY && event.newValue === null)) {
        this.forget();
        this.emit("logout");
      } else if (event.key === LOGIN_KEY && event.newValue !== null) {
        this.forget(); // this tab's access token may be the previous person's
        this.emit("login");
      }
    });
  }

  get isLoggedIn(): boolean {
    return this.storedRefreshToken() !== null;
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keep a pair the API just gave (login). */
  start(pair: TokenPair): void {
    this.keep(pair);
    try {
      this.storage.setItem(LOGIN_KEY, `${this.now()}-${Math.random().toString(36).slice(2)}`);
    } catch {
      // no storage: other tabs cannot be told, and have no session to follow anyway
    }
    this.emit("login");
  }

  /** A usable access token: the one in memory, or a refreshed one; null when logged out. */
  async currentAccessToken(): Promise<string | null> {
    if (this.accessToken && this.now() < this.accessExpiresAt - EXPIRY_MARGIN_MS) {
      return this.accessToken;
    }
    if (!this.isLoggedIn) return null;
    return this.refresh(this.accessToken);
  }

  /**
   * Exchange the refresh token for a new pair. `stale` is the access token a request was
   * refused with: if this tab already holds a newer one, that is the answer.
   */
  refresh(stale: string | null): Promise<string | null> {
    if (this.accessToken && this.accessToken !== stale && this.now() < this.accessExpiresAt - EXPIRY_MARGIN_MS) {
      return Promise.resolve(this.accessToken);
    }
    if (!this.refreshing) {
      const run = () => this.refreshOnce();
      this.refreshing = (this.locks ? this.locks.request(LOCK_NAME, run) : this.underLease(run)).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  /**
   * Where Web Locks are missing (a page served over plain http on a LAN address, older
   * browsers), a lease in localStorage does the same, less strictly: a tab waits while another
   * holds a fresh lease, then refreshes with whatever token is stored by then.
   */
  private async underLease<T>(run: () => Promise<T>): Promise<T> {
    const me = Math.random().toString(36).slice(2);
    for (let waited = 0; waited < LEASE_MS; waited += 100) {
      const [holder = "", until = "0"] = (this.storage.getItem(LEASE_KEY) ?? "").split("@");
      if (!holder || Number(until) < this.now() || holder === me) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    try {
      this.storage.setItem(LEASE_KEY, `${me}@${this.now() + LEASE_MS}`);
    } catch {
      return run();
    }
    try {
      return await run();
    } finally {
      if ((this.storage.getItem(LEASE_KEY) ?? "").startsWith(`${me}@`)) this.storage.removeItem(LEASE_KEY);
    }
  }

  private async refreshOnce(): Promise<string | null> {
    const stored = this.storedRefreshToken();
    if (stored === null) {
      this.forget();
      return null;
    }
    // If another tab rotated the family while this one waited for the lock, `stored` is the
    // token it left: the live one, never the one this tab started with.
    const answer = await this.refreshCall(stored);
    if (answer === "refused") {
      // Only drop the stored token if it is still the one refused: another tab may have
      // stored a fresh one while this call was out.
      if (this.storedRefreshToken() === stored) this.storage.removeItem(REFRESH_TOKEN_KEY);
      this.forget();
      this.emit("expired");
      return null;
    }
    this.keep(answer);
    return answer.access_token;
  }

  /** The session ended on the server (a 401 after a refresh): ask the user to log in again. */
  expire(): void {
    this.storage.removeItem(REFRESH_TOKEN_KEY);
    this.forget();
    this.emit("expired");
  }

  /** Log out here and in every other tab; the caller tells the API (`POST /auth/logout`) first. */
  end(): void {
    this.storage.removeItem(REFRESH_TOKEN_KEY);
    this.forget();
    this.emit("logout");
  }

  storedRefreshToken(): string | null {
    try {
      return this.storage.getItem(REFRESH_TOKEN_KEY);
    } catch {
      return null; // storage disabled (private mode in old browsers): no lasting session
    }
  }

  private keep(pair: TokenPair): void {
    this.accessToken = pair.access_token;
    this.accessExpiresAt = this.now() + pair.expires_in * 1000;
    try {
      this.storage.setItem(REFRESH_TOKEN_KEY, pair.refresh_token);
    } catch {
      // Without storage the session lasts as long as this tab's access token.
    }
  }

  private forget(): void {
    this.accessToken = null;
    this.accessExpiresAt = 0;
  }

  private emit(event: SessionEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
