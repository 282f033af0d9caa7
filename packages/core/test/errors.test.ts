import { describe, expect, it } from "vitest";
import { ERROR_CATALOG, type ErrorCode, errorDocsUrl, isErrorCode, STATUS_TEXT } from "../src/index.ts";

const entries = Object.entries(ERROR_CATALOG);

describe("ERROR_CATALOG", () => {
  it.each(entries)("%s is UPPER_SNAKE with a 4xx/5xx status, a reason phrase and a message", (code, entry) => {
    expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(entry.status).toBeLessThan(600);
    expect(Number.isInteger(entry.status)).toBe(true);
    expect(STATUS_TEXT[entry.status]).toBeTruthy();
    expect(entry.message.trim().length).toBeGreaterThan(0);
  });

  it.each([
    ["KEY_DISABLED", 401],
    ["ORIGIN_NOT_ALLOWED", 403],
    ["ASSISTANT_NOT_ALLOWED", 403],
    ["TRANSIENT_ASSISTANT_NOT_ALLOWED", 403],
    ["OVERRIDE_NOT_ALLOWED", 403],
    ["PRIVATE_KEY_NOT_ALLOWED_HERE", 401],
    ["INVALID_ORIGIN_RULE", 400],
    ["VALIDATION_FAILED", 400],
    ["NOT_FOUND", 404],
    ["ASSISTANT_NOT_FOUND", 404],
    ["INTERNAL_ERROR", 500],
  ] as const)("%s answers %i", (code, status) => {
    expect(ERROR_CATALOG[code].status).toBe(status);
  });

  it("messages never name a configured origin or key", () => {
    for (const [code, entry] of entries) expect(entry.message, code).not.toMatch(/https?:\/\/|pc[sp]k_[0-9A-Za-z]{5}/);
  });
});

describe("isErrorCode", () => {
  it.each(entries.map(([code]) => code))("%s is a code", (code) => {
    expect(isErrorCode(code)).toBe(true);
  });

  it.each(["", "origin_not_allowed", "NOPE", "toString", "__proto__", "constructor", "hasOwnProperty"])(
    "%j is not a code",
    (value) => {
      expect(isErrorCode(value)).toBe(false);
    },
  );
});

describe("errorDocsUrl", () => {
  it.each(entries.map(([code]) => code as ErrorCode))("%s links to its lower-case anchor", (code) => {
    expect(errorDocsUrl(code, "https://docs.test/errors.md")).toBe(`https://docs.test/errors.md#${code.toLowerCase()}`);
    expect(errorDocsUrl(code)).toMatch(/^https:\/\/.+#[a-z0-9_]+$/);
  });
});
