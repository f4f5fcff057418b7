/**
 * The typed API client. Request and response shapes come from `schema.d.ts`, generated from the
 * API's own /openapi.json (`npm run api:types`): a change in the API that the app does not
 * follow fails `tsc`. Pages call `api.GET("/inbox", …)`, never fetch with a hand-built URL.
 */
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./schema";
import { ApiError, apiErrorFrom } from "./problems";
import { Session, type TokenPair } from "./session";

export type Api = Client<paths>;

export interface ApiBundle {
  api: Api;
  session: Session;
}

type FetchLike = (input: Request) => Promise<Response>;

// Every /auth/ route but logout is for people without a session (API.md, "Accounts").
const OPEN_AUTH_ROUTES = /\/auth\/(?!logout$)[^/]+(\/[^/]+)?$/;

/**
 * Every request carries the caller's access token (refreshed first when it ran out) and
 * language; a 401 refreshes the session once and tries again, and a second 401 ends it.
 */
export function createApi(
  apiUrl: string,
  options: { fetch?: FetchLike; storage?: Storage; language?: () => string; locks?: LockManager | null } = {},
): ApiBundle {
  const send: FetchLike = options.fetch ?? ((request) => fetch(request));
  const language = options.language ?? (() => "id");

  // Refreshing must not go through the authenticated fetch (it would refresh to refresh).
  const plain = createClient<paths>({ baseUrl: apiUrl, fetch: send });
  const refreshCall = async (refreshToken: string): Promise<TokenPair | "refused"> => {
    const { data, response } = await plain.POST("/auth/refresh", { body: { refresh_token: refreshToken } });
    if (data) return data;
    if (response.status === 401) return "refused";
    throw apiErrorFrom(response, null);
  };
  const session = new Session(refreshCall, options.storage, options.locks === undefined ? undefined : options.locks);

  const authenticated: FetchLike = async (request) => {
    if (OPEN_AUTH_ROUTES.test(new URL(request.url).pathname)) {
      // Logging in, registering, codes: no session is involved, and a 401 there (a wrong
      // password) must not be taken for an ended session.
      request.headers.set("Accept-Language", language());
      return send(request);
    }
    const retry = request.clone();
    const token = await session.currentAccessToken();
    request.headers.set("Accept-Language", language());
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    const response = await send(request);
    if (response.status !== 401 || !token) return response;
    const fresh = await session.refresh(token);
    if (!fresh) return response;
    retry.headers.set("Accept-Language", language());
    retry.headers.set("Authorization", `Bearer ${fresh}`);
    const second = await send(retry);
    if (second.status === 401) session.expire();
    return second;
  };

  return { api: createClient<paths>({ baseUrl: apiUrl, fetch: authenticated }), session };
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The answer's data, or an ApiError: a problem the API answered with, or status 0 when the
 * request got no answer at all. Pages catch one kind of error.
 */
export async function call<T>(request: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await request;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(0, null);
  }
  if (!result.response.ok) throw apiErrorFrom(result.response, result.error);
  return result.data as T;
}

// ---- the app's one client, made at start-up once config.json is read ---------------------------

let bundle: ApiBundle | null = null;

export function installApi(made: ApiBundle): void {
  bundle = made;
}

function current(): ApiBundle {
  if (!bundle) throw new Error("the API client is used before start-up made it");
  return bundle;
}

/** The typed client (pages: `call(api().GET("/inbox", { params: { query } }))`). */
export function api(): Api {
  return current().api;
}

export function session(): Session {
  return current().session;
}
