import { ApiError, CliError } from "./errors.ts";
import { withProgress } from "./progress.ts";

export type ApiClientOptions = {
  /** Where the API is, e.g. http://localhost:8787 (a path prefix is kept). */
  baseUrl: string;
  /** A private key (pcsk_…). */
  apiKey: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
};

export type ApiResponse<T> = { data: T; nextCursor: string | undefined };

type ErrorBody = { statusCode?: number; code: string; message: string; field?: string; requestId?: string };

const isErrorBody = (value: unknown): value is ErrorBody =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as ErrorBody).code === "string" &&
  typeof (value as ErrorBody).message === "string";

/** Why fetch failed, in the words of the socket (ECONNREFUSED, ENOTFOUND…) when it has them. */
function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "no answer in time";
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** A small JSON client for the REST API; error answers become `ApiError`s carrying the catalog code. */
export function createApiClient(options: ApiClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function request<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}`, accept: "application/json" };
    // A JSON content type with no body is refused by the server, so it goes only with a body.
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    let text: string;
    try {
      const sent = fetchImpl(`${base}${path}`, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      }).then(async (answer) => [answer, await answer.text()] as const);
      [response, text] = await withProgress(`${method} ${path}`, sent);
    } catch (error) {
      throw new CliError(
        `Could not reach ${base} (${networkReason(error)}). Is the server running? Start one with 'portcullis serve', or pass --url.`,
      );
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      if (isErrorBody(parsed))
        throw new ApiError(response.status, parsed.code, parsed.message, parsed.field, parsed.requestId);
      throw new ApiError(
        response.status,
        `HTTP_${response.status}`,
        `${response.statusText || "Unexpected answer"} from ${base}${path}; is --url a Portcullis server?`,
      );
    }
    if (parsed === undefined)
      throw new CliError(`${base}${path} answered ${response.status} without JSON; is --url a Portcullis server?`);
    return { data: parsed as T, nextCursor: response.headers.get("x-next-cursor") ?? undefined };
  }

  return {
    get: <T>(path: string) => request<T>("GET", path),
    post: <T>(path: string, body: unknown) => request<T>("POST", path, body),
    patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, body),
    delete: <T>(path: string) => request<T>("DELETE", path),
  };
}

/** A path segment from user input, so an ID can never change the route. */
export const segment = (value: string): string => encodeURIComponent(value);
