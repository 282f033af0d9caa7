/** An API refusal or a failure to reach the API, with the catalog code and the field it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** How the dashboard authenticates: the session cookie (+ CSRF header), or a private key. */
export type Auth = { kind: "session"; csrfToken: string } | { kind: "key"; key: string } | { kind: "none" };

let auth: Auth = { kind: "none" };
let onSignedOut: (reason: string) => void = () => undefined;

export function setAuth(next: Auth): void {
  auth = next;
}

export function currentAuth(): Auth {
  return auth;
}

/** Called when a signed-in request answers 401: the session expired or was revoked. */
export function whenSignedOut(handler: (reason: string) => void): void {
  onSignedOut = handler;
}

type ErrorBody = { code?: string; message?: string; field?: string };

/**
 * One request to the REST API on this origin. Answers 2xx as parsed JSON (and the x-next-cursor
 * header); anything else throws an {@link ApiError} whose message says what to do.
 */
export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ data: T; nextCursor: string | null }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (auth.kind === "key") headers.authorization = `Bearer ${auth.key}`;
  if (auth.kind === "session" && method !== "GET") headers["x-csrf-token"] = auth.csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(
      0,
      "NETWORK_ERROR",
      "Could not reach the Portcullis server (network error). Nothing was changed; check your connection and try again.",
    );
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const err = (parsed ?? {}) as ErrorBody;
    const code = err.code ?? `HTTP_${res.status}`;
    const message = err.message ?? `The server answered ${res.status} ${res.statusText}.`;
    if (res.status === 401 && auth.kind !== "none" && !path.startsWith("/session")) {
      onSignedOut(`Your session ended (${code}): ${message} Sign in again.`);
    }
    throw new ApiError(res.status, code, message, err.field);
  }
  return { data: parsed as T, nextCursor: res.headers.get("x-next-cursor") };
}

export const api = {
  get: async <T>(path: string) => (await call<T>("GET", path)).data,
  post: async <T>(path: string, body: unknown = {}) => (await call<T>("POST", path, body)).data,
  patch: async <T>(path: string, body: unknown) => (await call<T>("PATCH", path, body)).data,
  del: async <T>(path: string) => (await call<T>("DELETE", path)).data,
};

/** A message fit for the page: "What went wrong (CODE)", with the field when the API named one. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) {
    const field = error.field ? ` [field: ${error.field}]` : "";
    return `${error.message}${field} (${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}
