/** JSON Schemas shared by several routes (OpenAPI components are generated from them). */

export const errorSchema = {
  type: "object",
  description: "Every refusal and failure has this body; `code` is from the error catalog (docs/errors.md).",
  properties: {
    statusCode: { type: "integer" },
    error: { type: "string" },
    code: { type: "string" },
    message: { type: "string" },
    docs: { type: "string" },
    requestId: { type: "string" },
    field: { type: "string" },
  },
  required: ["statusCode", "error", "code", "message", "requestId"],
} as const;

export const idParams = {
  type: "object",
  additionalProperties: false,
  required: ["id"],
  properties: { id: { type: "string", minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" } },
} as const;

export const pageQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    limit: { type: "string", pattern: "^(?:[1-9]\\d{0,2}|1000)$", description: "1–1000, default 100." },
    cursor: {
      type: "string",
      maxLength: 100,
      pattern: "^[A-Za-z0-9_-]*$",
      description: "nextCursor of the previous page.",
    },
  },
} as const;

/** Standard error responses for a route, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorSchema]));
}

export const bearerSecurity = [{ bearerAuth: [] }];
