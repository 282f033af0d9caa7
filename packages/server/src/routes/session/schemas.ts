import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../../domain/members.ts";

export const sessionSecurity = [{ sessionCookie: [] }];

export const emailField = { type: "string", minLength: 3, maxLength: 254, format: "email" } as const;
export const newPasswordField = {
  type: "string",
  minLength: MIN_PASSWORD_LENGTH,
  maxLength: MAX_PASSWORD_LENGTH,
  description: `At least ${MIN_PASSWORD_LENGTH} characters. Stored as an scrypt hash, never as it is.`,
} as const;

export const loginBody = {
  type: "object",
  additionalProperties: false,
  required: ["email", "password"],
  properties: {
    email: { type: "string", minLength: 1, maxLength: 254 },
    password: { type: "string", minLength: 1, maxLength: 1024 },
  },
} as const;

export const setupBody = {
  type: "object",
  additionalProperties: false,
  required: ["token", "email", "password"],
  properties: {
    token: {
      type: "string",
      minLength: 1,
      maxLength: 100,
      pattern: "^[A-Za-z0-9_-]+$",
      description: "From the setup link.",
    },
    email: emailField,
    password: newPasswordField,
  },
} as const;

export const sessionResponse = {
  type: "object",
  properties: {
    member: {
      type: "object",
      properties: {
        id: { type: "string" },
        email: { type: "string" },
        role: { type: "string", enum: ["owner", "admin", "viewer"] },
      },
      required: ["id", "email", "role"],
    },
    orgId: { type: "string" },
    csrfToken: {
      type: "string",
      description: "Send it as the 'x-csrf-token' header with every POST, PATCH, PUT and DELETE of this session.",
    },
  },
  required: ["member", "orgId", "csrfToken"],
} as const;
