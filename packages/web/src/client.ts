import { Call } from "./call.ts";
import { type Challenge, solveChallenge } from "./challenge.ts";
import { refusePrivateCredential } from "./credentials.ts";
import { errorFromResponse, PortcullisError } from "./errors.ts";
import type { SocketConstructor, SocketLike } from "./messages.ts";

/** Where the server is: its base URL, e.g. `https://api.example.com`. */
type Base = { baseUrl: string };

/**
 * How the browser proves it may start calls — one of:
 * - `publicKey`: a public key (`pcpk_…`), restricted to your origins and assistants;
 * - `token`: a short-lived token your server minted (`createClientToken` from `@portcullis/node`);
 * - `getToken`: a function that asks your server for a token; called for each call, and once more
 *   when the server says the token expired.
 */
export type PortcullisCredentials =
  | (Base & { publicKey: string })
  | (Base & { token: string })
  | (Base & { getToken: () => string | Promise<string> });

/** Dependencies, for environments without them or for tests. */
export type PortcullisOptions = {
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Default: the global `WebSocket`. */
  WebSocket?: SocketConstructor;
};

/** A saved-or-inline assistant config: the same fields as `POST /assistant`. */
export type AssistantConfig = { [field: string]: unknown };

/** Per-call settings. Each override must be allowed by the key's `allowedOverrides`. */
export type StartOptions = {
  /** Values for `{{variable}}` templates (sent as `assistantOverrides.variableValues`). */
  variableValues?: Record<string, string | number | boolean>;
  /** Other per-call changes to the assistant, e.g. `{ firstMessage: "Hi!" }`. */
  assistantOverrides?: Record<string, unknown>;
  /** Your own data, stored with the call. */
  metadata?: Record<string, unknown>;
};

/**
 * The browser client: starts assistant calls with a public key or a short-lived token.
 *
 * @example
 * const client = new Portcullis({ publicKey: "pcpk_…", baseUrl: "https://api.example.com" });
 * const call = await client.start("asst_…", { variableValues: { name: "Ada" } });
 * call.on("transcript", (t) => console.log(t.role, t.transcript));
 * call.send("Hello");
 * await call.end();
 */
export class Portcullis {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #WebSocket: SocketConstructor | undefined;
  readonly #fixed: string | undefined;
  readonly #getToken: (() => string | Promise<string>) | undefined;
  // Learnt from a CHALLENGE_REQUIRED answer: later calls solve the puzzle before asking.
  #needsChallenge = false;

  /**
   * Refuses a private key (`pcsk_…`) or a private-tag token outright with `PRIVATE_KEY_IN_BROWSER`.
   *
   * @example
   * new Portcullis({ publicKey: "pcpk_…", baseUrl });
   * new Portcullis({ getToken: () => fetch("/api/portcullis-token").then((r) => r.text()), baseUrl });
   * new Portcullis({ token, baseUrl }, { fetch: myFetch, WebSocket: MyWebSocket });
   */
  constructor(credentials: PortcullisCredentials, options: PortcullisOptions = {}) {
    const given = credentials as Partial<{ publicKey: unknown; token: unknown; getToken: unknown; baseUrl: unknown }>;
    const kinds = (["publicKey", "token", "getToken"] as const).filter((kind) => given[kind] !== undefined);
    if (kinds.length !== 1) throw new TypeError("Pass exactly one of publicKey, token or getToken.");
    if (typeof given.baseUrl !== "string" || !/^https?:\/\//.test(given.baseUrl))
      throw new TypeError("baseUrl must be the server's http(s) URL, e.g. https://api.example.com.");
    this.#baseUrl = given.baseUrl.replace(/\/+$/, "");
    if (typeof given.getToken === "function") this.#getToken = given.getToken as () => string | Promise<string>;
    else {
      const value = given.publicKey ?? given.token;
      if (typeof value !== "string" || value === "") throw new TypeError(`${kinds[0]} must be a non-empty string.`);
      refusePrivateCredential(value);
      this.#fixed = value;
    }
    const globalFetch = globalThis.fetch;
    this.#fetch = options.fetch ?? ((input, init) => globalFetch(input, init));
    this.#WebSocket = options.WebSocket ?? (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
  }

  /**
   * Starts a call with a saved assistant (its ID) or an inline one (its config, if the key allows
   * transient assistants) and joins it. Solves a proof-of-work challenge when the key requires one
   * and, with `getToken`, fetches a fresh token once when the server says it expired. Every refusal
   * rejects with a {@link PortcullisError} whose `code` is from the catalog.
   *
   * @example
   * const call = await client.start("asst_…", { variableValues: { name: "Ada" }, metadata: { page: "pricing" } });
   * const inline = await client.start({ assistant: { firstMessage: "Hi!", model: { provider: "script" } } });
   */
  async start(assistant: string | AssistantConfig, options: StartOptions = {}): Promise<Call> {
    const body = requestBody(assistant, options);
    // Checked before the call is created: a call nobody can join would only wait out its join window.
    if (!this.#WebSocket) throw new TypeError("No WebSocket implementation: pass one as options.WebSocket.");
    let credential = await this.#credential();
    let refreshed = false;
    let solvedOnce = false;
    let challenge = this.#needsChallenge ? await this.#solve() : undefined;
    for (;;) {
      const response = await this.#request("POST", "/call/web", credential, {
        ...body,
        ...(challenge !== undefined && { challenge }),
      });
      if (response.status === 201) return this.#join(response);
      const error = await errorFromResponse(response);
      const challengeRefused = error.code === "CHALLENGE_REQUIRED" || error.code === "CHALLENGE_INVALID";
      if (challengeRefused && !solvedOnce) {
        // A proactively solved puzzle may have expired; either way, one fresh attempt.
        solvedOnce = true;
        this.#needsChallenge = true;
        challenge = await this.#solve();
        continue;
      }
      if (error.code === "TOKEN_EXPIRED" && this.#getToken && !refreshed) {
        refreshed = true;
        credential = await this.#credential();
        continue;
      }
      throw error;
    }
  }

  async #credential(): Promise<string> {
    if (this.#fixed !== undefined) return this.#fixed;
    let token: unknown;
    try {
      token = await (this.#getToken as () => string | Promise<string>)();
    } catch (cause) {
      throw new PortcullisError("TOKEN_UNAVAILABLE", "getToken failed; no token to start the call with.", { cause });
    }
    if (typeof token !== "string" || token.trim() === "")
      throw new PortcullisError("TOKEN_UNAVAILABLE", "getToken must resolve to the token as a non-empty string.");
    refusePrivateCredential(token);
    return token.trim();
  }

  async #request(method: "GET" | "POST", path: string, credential?: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (credential !== undefined) headers.authorization = `Bearer ${credential}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      return await this.#fetch(`${this.#baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      throw new PortcullisError(
        "NETWORK_ERROR",
        `Could not reach ${this.#baseUrl}${path}: offline, wrong baseUrl, or the browser blocked the request.`,
        { cause },
      );
    }
  }

  async #solve(): Promise<string> {
    const response = await this.#request("GET", "/challenge");
    if (!response.ok) throw await errorFromResponse(response);
    const puzzle = (await response.json()) as Challenge;
    const solution = await solveChallenge(puzzle);
    if (solution === undefined)
      throw new PortcullisError("CHALLENGE_UNSOLVED", "The proof-of-work challenge has no solution in its range.");
    return solution;
  }

  async #join(response: Response): Promise<Call> {
    const started = (await response.json()) as { id?: unknown; webCallUrl?: unknown };
    if (typeof started.id !== "string" || typeof started.webCallUrl !== "string")
      throw new PortcullisError("UNEXPECTED_RESPONSE", "POST /call/web answered 201 without id and webCallUrl.", {
        status: 201,
      });
    const socket = new (this.#WebSocket as SocketConstructor)(started.webCallUrl);
    // Listening starts before the socket opens, so the first frames are never missed.
    const call = new Call(started.id, socket);
    await opened(socket, started.id);
    return call;
  }
}

function opened(socket: SocketLike, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = () => {
      if (settled) return;
      settled = true;
      // Browsers hide why an upgrade was refused (origin, expired or used call token).
      reject(
        new PortcullisError(
          "CONNECTION_FAILED",
          `Could not join call ${id}: the server refused the WebSocket (origin not allowed, or the call token was used or expired) or is unreachable.`,
        ),
      );
    };
    socket.addEventListener("open", () => {
      settled = true;
      resolve();
    });
    socket.addEventListener("error", fail);
    socket.addEventListener("close", fail);
  });
}

function requestBody(assistant: string | AssistantConfig, options: StartOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (typeof assistant === "string") body.assistantId = assistant;
  else if (typeof assistant === "object" && assistant !== null) {
    const keys = Object.keys(assistant);
    const wrapped = keys.length === 1 && keys[0] === "assistant" && typeof assistant.assistant === "object";
    body.assistant = wrapped ? assistant.assistant : assistant;
  } else throw new TypeError("start() takes an assistant ID or an inline assistant config.");
  const overrides = {
    ...options.assistantOverrides,
    ...(options.variableValues && {
      variableValues: {
        ...(options.assistantOverrides?.variableValues as Record<string, unknown> | undefined),
        ...options.variableValues,
      },
    }),
  };
  if (Object.keys(overrides).length > 0) body.assistantOverrides = overrides;
  if (options.metadata) body.metadata = options.metadata;
  return body;
}
