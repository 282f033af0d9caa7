import { isApiErrorBody, PortcullisApiError } from "../api-error.ts";
import type { Operations } from "../generated/api-types.ts";

/** A route of the API, as `"METHOD /path"`. */
export type Route = keyof Operations;

type Params<R extends Route> = Operations[R]["params"];
type Query<R extends Route> = Operations[R]["query"];
type Body<R extends Route> = Operations[R]["body"];

/** What one request sends: path parameters, query string and JSON body, each typed by the route. */
export type RequestInput<R extends Route> = (Params<R> extends Record<string, never>
  ? { params?: undefined }
  : { params: Params<R> }) & { query?: Query<R> } & (Body<R> extends undefined
    ? { body?: undefined }
    : { body: Body<R> });

/** A success answer: its typed JSON body and its headers (pagination reads `x-next-cursor`). */
export type Answer<R extends Route> = { data: Operations[R]["response"]; headers: Headers };

export type TransportOptions = { apiKey: string; baseUrl: string; fetch?: typeof fetch };

/** Sends typed requests to the API with the private key; turns every refusal into a {@link PortcullisApiError}. */
export class Transport {
  readonly #apiKey: string;
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;

  constructor(options: TransportOptions) {
    this.#apiKey = options.apiKey;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, "");
    // Bound: a bare `fetch` called as a method of another object throws "Illegal invocation" in browsers.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async request<R extends Route>(route: R, input: RequestInput<R>): Promise<Answer<R>> {
    const [method, template] = route.split(" ") as [string, string];
    const params = (input.params ?? {}) as Record<string, string>;
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ""));
    const url = new URL(this.#baseUrl + path);
    for (const [name, value] of Object.entries((input.query ?? {}) as Record<string, unknown>))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { authorization: `Bearer ${this.#apiKey}`, accept: "application/json" };
    if (input.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers,
        ...(input.body !== undefined && { body: JSON.stringify(input.body) }),
      });
    } catch (cause) {
      throw clientError("NETWORK_ERROR", 0, `Could not reach ${this.#baseUrl}: ${String(cause)}`, cause);
    }
    const text = await response.text();
    const json = parseJson(text);
    if (!response.ok) {
      if (isApiErrorBody(json)) throw new PortcullisApiError(json);
      throw clientError("UNEXPECTED_RESPONSE", response.status, `HTTP ${response.status} without an API error body`);
    }
    if (text !== "" && json === undefined)
      throw clientError("UNEXPECTED_RESPONSE", response.status, "The answer is not JSON");
    return { data: json as Operations[R]["response"], headers: response.headers };
  }
}

function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function clientError(code: string, status: number, message: string, cause?: unknown): PortcullisApiError {
  return new PortcullisApiError({ statusCode: status, error: code, code, message, requestId: "" }, { cause });
}
