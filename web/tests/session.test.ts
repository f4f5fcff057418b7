/** The API client's session handling: tokens, one refresh at a time, and what a 401 means. */
import { describe, expect, it, vi } from "vitest";
import { call, createApi } from "../src/api/client";
import { ApiError } from "../src/api/problems";
import { LOGIN_KEY, REFRESH_TOKEN_KEY, Session } from "../src/api/session";

const API = "http://api.test";

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json", ...headers },
  });
}

const problem = (status: number, slug: string) => ({ type: `/problems/${slug}`, title: "t", status, detail: "d" });

/** A fake API: /auth/refresh rotates tokens (reusing an old one is refused, as the server does). */
function fakeServer() {
  let generation = 1;
  const seen: { path: string; auth: string | null; language: string | null }[] = [];
  const server = {
    accessValid: new Set<string>(["access-1"]),
    refreshCalls: 0,
    seen,
    fetch: vi.fn(async (request: Request) => {
      const path = new URL(request.url).pathname;
      seen.push({ path, auth: request.headers.get("Authorization"), language: request.headers.get("Accept-Language") });
      if (path === "/auth/refresh") {
        server.refreshCalls += 1;
        const body = (await request.json()) as { refresh_token: string };
        if (body.refresh_token !== `refresh-${generation}`) return json(401, problem(401, "unauthenticated"));
        generation += 1;
        server.accessValid.add(`access-${generation}`);
        return json(200, { access_token: `access-${generation}`, refresh_token: `refresh-${generation}`, token_type: "Bearer", expires_in: 900 });
      }
      const token = (request.headers.get("Authorization") ?? "").replace("Bearer ", "");
      if (!server.accessValid.has(token)) return json(401, problem(401, "unauthenticated"));
      return json(200, { items: [], next_cursor: null });
    }),
  };
  return server;
}

function loggedIn(server: ReturnType<typeof fakeServer>) {
  const bundle = createApi(API, { fetch: server.fetch, storage: window.localStorage, locks: null, language: () => "en" });
  bundle.session.start({ access_token: "access-1", refresh_token: "refresh-1", expires_in: 900 });
  return bundle;
}

describe("the session", () => {
  it("keeps the access token in memory and only the refresh token in storage", () => {
    const server = fakeServer();
    loggedIn(server);
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBe("refresh-1");
    expect(JSON.stringify({ ...window.localStorage })).not.toContain("access-1");
    expect(JSON.stringify({ ...window.sessionStorage })).not.toContain("access-1");
  });

  it("sends the access token and the user's language with every request", async () => {
    const server = fakeServer();
    const { api } = loggedIn(server);
    await call(api.GET("/inbox"));
    expect(server.seen.at(-1)).toEqual({ path: "/inbox", auth: "Bearer access-1", language: "en" });
  });

  it("refreshes once on a 401 and sends the request again with the new token", async () => {
    const server = fakeServer();
    const { api } = loggedIn(server);
    server.accessValid.delete("access-1"); // revoked or expired on the server
    const answer = await call(api.GET("/inbox"));
    expect(answer).toEqual({ items: [], next_cursor: null });
    expect(server.refreshCalls).toBe(1);
    expect(server.seen.map((s) => s.path)).toEqual(["/inbox", "/auth/refresh", "/inbox"]);
    expect(server.seen.at(-1)?.auth).toBe("Bearer access-2");
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBe("refresh-2");
  });

  it("asks to log in again when the refresh is refused, and forgets the stored token", async () => {
    const server = fakeServer();
    const { api, session } = loggedIn(server);
    const events: string[] = [];
    session.subscribe((event) => events.push(event));
    server.accessValid.delete("access-1");
    window.localStorage.setItem(REFRESH_TOKEN_KEY, "refresh-stolen-and-used");
    const failure = await call(api.GET("/inbox")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(401);
    expect(events).toEqual(["expired"]);
    expect(session.isLoggedIn).toBe(false);
  });

  it("ends the session when the retried request is refused too (no loop of refreshes)", async () => {
    const server = fakeServer();
    const { api, session } = loggedIn(server);
    server.accessValid.clear();
    server.fetch.mockImplementation(async (request: Request) => {
      const path = new URL(request.url).pathname;
      if (path === "/auth/refresh") {
        server.refreshCalls += 1;
        return json(200, { access_token: "access-x", refresh_token: "refresh-x", token_type: "Bearer", expires_in: 900 });
      }
      return json(401, problem(401, "unauthenticated"));
    });
    await expect(call(api.GET("/inbox"))).rejects.toMatchObject({ status: 401 });
    expect(server.refreshCalls).toBe(1);
    expect(session.isLoggedIn).toBe(false);
  });

  it("makes one refresh for many requests refused at once", async () => {
    const server = fakeServer();
    const { api } = loggedIn(server);
    server.accessValid.delete("access-1");
    const answers = await Promise.all([call(api.GET("/inbox")), call(api.GET("/inbox")), call(api.GET("/inbox"))]);
    expect(answers).toHaveLength(3);
    expect(server.refreshCalls).toBe(1);
  });

  it("refreshes before sending when the access token has run out", async () => {
    let now = 1_000_000;
    let refreshes = 0;
    const session = new Session(
      async () => {
        refreshes += 1;
        return { access_token: "fresh", refresh_token: "r2", expires_in: 900 };
      },
      window.localStorage,
      null,
      () => now,
    );
    session.start({ access_token: "old", refresh_token: "r1", expires_in: 900 });
    expect(await session.currentAccessToken()).toBe("old");
    expect(refreshes).toBe(0);
    now += 890_000; // within the margin before expiry
    expect(await session.currentAccessToken()).toBe("fresh");
    expect(refreshes).toBe(1);
  });

  it("takes a 401 from logging in for a wrong password, never for an ended session", async () => {
    const server = fakeServer();
    const { api, session } = loggedIn(server);
    server.fetch.mockImplementationOnce(async () => json(401, problem(401, "unauthenticated")));
    const failure = await call(api.POST("/auth/login", { body: { email: "a@b.id", password: "salah" } })).catch((e: unknown) => e);
    expect((failure as ApiError).status).toBe(401);
    expect(server.refreshCalls).toBe(0);
    expect(server.fetch.mock.calls.at(-1)?.[0].headers.get("Authorization")).toBeNull(); // no session sent
    expect(session.isLoggedIn).toBe(true);
  });

  it("follows a login in another tab: forgets its access token and says who to ask about", async () => {
    const server = fakeServer();
    const { session } = loggedIn(server);
    const events: string[] = [];
    session.subscribe((event) => events.push(event));
    window.dispatchEvent(new StorageEvent("storage", { key: LOGIN_KEY, newValue: "another-login" }));
    expect(events).toEqual(["login"]);
    window.localStorage.setItem(REFRESH_TOKEN_KEY, "refresh-1");
    expect(await session.currentAccessToken()).toBe("access-2"); // refreshed, not the old one
  });

  it("without Web Locks, tabs still refresh one after the other through a lease in storage", async () => {
    const used: string[] = [];
    const refresh = async (token: string) => {
      used.push(token);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const next = Number(token.split("-")[1]) + 1;
      return { access_token: `a-${next}`, refresh_token: `r-${next}`, expires_in: 900 };
    };
    const tabOne = new Session(refresh, window.localStorage, null);
    const tabTwo = new Session(refresh, window.localStorage, null);
    tabOne.start({ access_token: "a-1", refresh_token: "r-1", expires_in: 900 });
    await Promise.all([tabOne.refresh("a-1"), tabTwo.refresh(null)]);
    expect(used).toEqual(["r-1", "r-2"]);
  });

  it("refreshes under a lock shared by every tab, with the token the last tab stored", async () => {
    const used: string[] = [];
    let held = Promise.resolve();
    const locks = {
      request<T>(_name: string, callback: () => Promise<T>): Promise<T> {
        const run = held.then(callback);
        held = run.then(() => undefined, () => undefined);
        return run;
      },
    };
    const refresh = async (token: string) => {
      used.push(token);
      const next = Number(token.split("-")[1]) + 1;
      return { access_token: `a-${next}`, refresh_token: `r-${next}`, expires_in: 900 };
    };
    const tabOne = new Session(refresh, window.localStorage, locks);
    const tabTwo = new Session(refresh, window.localStorage, locks);
    tabOne.start({ access_token: "a-1", refresh_token: "r-1", expires_in: 900 });
    const [one, two] = await Promise.all([tabOne.refresh("a-1"), tabTwo.refresh(null)]);
    // The second tab waited, then used the token the first tab stored: never r-1 twice.
    expect(used).toEqual(["r-1", "r-2"]);
    expect([one, two]).toEqual(["a-2", "a-3"]);
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBe("r-3");
  });

  it("logs out here when another tab logs out", () => {
    const server = fakeServer();
    const { session } = loggedIn(server);
    const events: string[] = [];
    session.subscribe((event) => events.push(event));
    window.localStorage.removeItem(REFRESH_TOKEN_KEY);
    window.dispatchEvent(new StorageEvent("storage", { key: REFRESH_TOKEN_KEY, oldValue: "refresh-1", newValue: null }));
    expect(events).toEqual(["logout"]);
  });

  it("reports a request that got no answer as a network problem, status 0", async () => {
    const { api } = createApi(API, { fetch: async () => Promise.reject(new TypeError("Failed to fetch")), locks: null });
    await expect(call(api.GET("/services"))).rejects.toMatchObject({ status: 0, isNetwork: true });
  });
});
