import { ERROR_CATALOG, type ErrorCode, errorDocsUrl, STATUS_TEXT } from "@portcullis/core";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export type ErrorBody = {
  statusCode: number;
  error: string;
  code: ErrorCode;
  message: string;
  docs: string;
  requestId: string;
  field?: string;
};

export type ErrorDetail = { message?: string; field?: string; headers?: Record<string, string> };

/** The one place a refusal becomes an HTTP answer: status and body come from the catalog. */
export function sendError(reply: FastifyReply, code: ErrorCode, detail: ErrorDetail = {}): FastifyReply {
  const { status, message } = ERROR_CATALOG[code];
  const body: ErrorBody = {
    statusCode: status,
    error: STATUS_TEXT[status] ?? "Error",
    code,
    message: detail.message ?? message,
    docs: errorDocsUrl(code),
    requestId: String(reply.request.id),
  };
  if (detail.field !== undefined) body.field = detail.field;
  if (detail.headers) reply.headers(detail.headers);
  return reply.code(status).type("application/json; charset=utf-8").send(body);
}

type AjvIssue = { keyword: string; instancePath: string; message?: string; params: Record<string, unknown> };

/** A JSON pointer from Ajv ("/restrictions/allowedOrigins/0") as a field path ("restrictions.allowedOrigins[0]"). */
function fieldPath(pointer: string, context: string): string {
  const parts = pointer.split("/").slice(1);
  let path = context === "body" ? "" : context;
  for (const part of parts) path += /^\d+$/.test(part) ? `[${part}]` : path ? `.${part}` : part;
  return path;
}

function validationError(reply: FastifyReply, issues: AjvIssue[], context: string): FastifyReply {
  const unknown = issues.find((i) => i.keyword === "additionalProperties");
  if (unknown) {
    const base = fieldPath(unknown.instancePath, context);
    const name = String(unknown.params.additionalProperty);
    const field = base ? `${base}.${name}` : name;
    return sendError(reply, "UNKNOWN_FIELD", {
      field,
      message: `Unknown field '${field}': this route does not accept it.`,
    });
  }
  const issue = issues[0];
  if (!issue) return sendError(reply, "VALIDATION_FAILED");
  const missing = issue.keyword === "required" ? String(issue.params.missingProperty) : undefined;
  const base = fieldPath(issue.instancePath, context);
  const field = missing ? (base ? `${base}.${missing}` : missing) : base || context;
  const message = missing ? `'${field}' is required.` : `'${field}' ${issue.message ?? "is not valid"}.`;
  return sendError(reply, "VALIDATION_FAILED", { field, message });
}

/** Maps every error Fastify or a handler can raise to a catalog code; 5xx bodies never echo internals. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendError(reply, "ROUTE_NOT_FOUND", { message: `No route for ${request.method} ${request.url.split("?")[0]}.` }),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation)
      return validationError(reply, error.validation as AjvIssue[], error.validationContext ?? "body");
    switch (error.code) {
      case "FST_ERR_CTP_BODY_TOO_LARGE":
        return sendError(reply, "PAYLOAD_TOO_LARGE");
      case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
        return sendError(reply, "UNSUPPORTED_MEDIA_TYPE");
      case "FST_ERR_CTP_EMPTY_JSON_BODY":
        return sendError(reply, "INVALID_JSON", { message: "The body is empty; send a JSON object." });
      case "FST_ERR_CTP_INVALID_JSON_BODY":
      case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
        return sendError(reply, "INVALID_JSON");
    }
    // JSON.parse failures and prototype-poisoning refusals reach here as plain 400s.
    if (error instanceof SyntaxError || error.statusCode === 400) return sendError(reply, "INVALID_JSON");
    if (error.statusCode === 413) return sendError(reply, "PAYLOAD_TOO_LARGE");
    if (error.statusCode === 415) return sendError(reply, "UNSUPPORTED_MEDIA_TYPE");
    request.log.error({ err: error }, "unhandled error");
    return sendError(reply, "INTERNAL_ERROR");
  });
}
