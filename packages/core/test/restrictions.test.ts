import { describe, expect, it } from "vitest";
import {
  DEFAULT_ALLOWED_OVERRIDES,
  MAX_ORIGIN_RULES,
  normalizeRestrictions,
  OVERRIDE_FIELDS,
  type RestrictionsInput,
  restrictionsSchema,
} from "../src/index.ts";

const DEFAULTS = {
  enabled: true,
  allowTransientAssistant: false,
  allowedOverrides: ["variableValues"],
  mode: "enforce",
};

describe("normalizeRestrictions: defaults", () => {
  it.each([
    ["undefined", undefined],
    ["{}", {}],
    ["null lists", { allowedOrigins: null, allowedAssistantIds: null }],
    ["empty lists", { allowedOrigins: [], allowedAssistantIds: [] }],
  ] as const)("a public key with %s gets the defaults and no origin or assistant rule", (_name, input) => {
    const result = normalizeRestrictions(input as RestrictionsInput | undefined, "public");
    expect(result).toEqual({ ok: true, value: DEFAULTS });
    if (result.ok) {
      expect(result.value).not.toHaveProperty("allowedOrigins");
      expect(result.value).not.toHaveProperty("allowedAssistantIds");
    }
  });

  it("the default overrides are only variableValues", () => {
    expect(DEFAULT_ALLOWED_OVERRIDES).toEqual(["variableValues"]);
  });

  it("does not share the default overrides array with its result", () => {
    const result = normalizeRestrictions({}, "public");
    if (!result.ok) throw new Error("refused");
    result.value.allowedOverrides.push("model");
    expect(DEFAULT_ALLOWED_OVERRIDES).toEqual(["variableValues"]);
  });

  it("a private key gets enabled and nothing a browser could use", () => {
    expect(normalizeRestrictions(undefined, "private")).toEqual({
      ok: true,
      value: { enabled: true, allowTransientAssistant: false, allowedOverrides: [], mode: "enforce" },
    });
    expect(normalizeRestrictions({ enabled: false }, "private")).toMatchObject({ ok: true, value: { enabled: false } });
  });
});

describe("normalizeRestrictions: values kept and canonicalized", () => {
  it("canonicalizes and deduplicates origin rules", () => {
    const result = normalizeRestrictions(
      { allowedOrigins: ["https://App.example.com/", "https://app.example.com:443", "https://*.bücher.example"] },
      "public",
    );
    expect(result).toEqual({
      ok: true,
      value: { ...DEFAULTS, allowedOrigins: ["https://app.example.com", "https://*.xn--bcher-kva.example"] },
    });
  });

  it("deduplicates assistant IDs and overrides", () => {
    const result = normalizeRestrictions(
      { allowedAssistantIds: ["asst_a", "asst_b", "asst_a"], allowedOverrides: ["model", "model", "voice"] },
      "public",
    );
    expect(result).toEqual({
      ok: true,
      value: { ...DEFAULTS, allowedAssistantIds: ["asst_a", "asst_b"], allowedOverrides: ["model", "voice"] },
    });
  });

  it.each([
    [{ enabled: false }, { enabled: false }],
    [{ allowTransientAssistant: true }, { allowTransientAssistant: true }],
    [{ allowedOverrides: [] }, { allowedOverrides: [] }],
    [{ allowTransientAssistant: false, allowedAssistantIds: ["asst_a"] }, { allowedAssistantIds: ["asst_a"] }],
    // An empty list is no list, so it does not conflict with transient assistants.
    [{ allowTransientAssistant: true, allowedAssistantIds: [] }, { allowTransientAssistant: true }],
  ] as const)("keeps %j", (input, expected) => {
    expect(normalizeRestrictions(input as RestrictionsInput, "public")).toEqual({
      ok: true,
      value: { ...DEFAULTS, ...expected },
    });
  });
});

describe("normalizeRestrictions: refusals", () => {
  it.each([
    ["allowedOrigins", { allowedOrigins: ["https://app.example.com"] }],
    ["allowedAssistantIds", { allowedAssistantIds: ["asst_a"] }],
    ["allowTransientAssistant", { allowTransientAssistant: true }],
    ["allowedOverrides", { allowedOverrides: ["model"] }],
  ] as const)("a private key with %s is refused", (field, input) => {
    expect(normalizeRestrictions(input as RestrictionsInput, "private")).toEqual({
      ok: false,
      problem: { field: `restrictions.${field}`, code: "VALIDATION_FAILED", message: expect.any(String) },
    });
  });

  it("transient assistants beside an assistant list are refused", () => {
    expect(normalizeRestrictions({ allowedAssistantIds: ["asst_a"], allowTransientAssistant: true }, "public")).toEqual(
      {
        ok: false,
        problem: {
          field: "restrictions.allowTransientAssistant",
          code: "VALIDATION_FAILED",
          message: expect.any(String),
        },
      },
    );
  });

  it.each([
    [["https://*.com"], 0],
    [["https://app.example.com", "https://app.example.com/login"], 1],
    [["https://a.example.com", "https://b.example.com", "null"], 2],
    [["https://a.example.com", "*"], 1],
    [["https://a.example.com", "https://%2A.vercel.app"], 1],
  ])("an invalid origin rule in %j is reported at index %i", (allowedOrigins, index) => {
    const result = normalizeRestrictions({ allowedOrigins }, "public");
    expect(result).toEqual({
      ok: false,
      problem: {
        field: `restrictions.allowedOrigins[${index}]`,
        code: "INVALID_ORIGIN_RULE",
        message: expect.any(String),
      },
    });
    if (!result.ok) expect(result.problem.message).toContain(allowedOrigins[index]);
  });

  it("more than 100 origin rules are refused", () => {
    const allowedOrigins = Array.from({ length: 101 }, (_, i) => `https://app${i}.example.com`);
    expect(normalizeRestrictions({ allowedOrigins }, "public")).toMatchObject({
      ok: false,
      problem: { code: "INVALID_ORIGIN_RULE" },
    });
  });
});

describe("restrictionsSchema", () => {
  it("allows no unknown fields and lists every override field", () => {
    expect(restrictionsSchema.additionalProperties).toBe(false);
    expect(restrictionsSchema.properties.allowedOverrides.items.enum).toEqual([...OVERRIDE_FIELDS]);
    expect(restrictionsSchema.properties.allowedOrigins.maxItems).toBe(MAX_ORIGIN_RULES);
    expect(restrictionsSchema.properties.allowedOrigins.items.maxLength).toBe(300);
  });

  it("names the four Vapi fields and the Portcullis additions", () => {
    expect(Object.keys(restrictionsSchema.properties).sort()).toEqual(
      [
        "allowTransientAssistant",
        "allowedAssistantIds",
        "allowedOrigins",
        "allowedOverrides",
        "enabled",
        "mode",
        "rateLimits",
        "maxConcurrentCalls",
        "maxConcurrentCallsPerUser",
        "spendLimit",
        "userSpendLimit",
        "maxCallDurationSeconds",
        "expiresAt",
        "requireChallenge",
      ].sort(),
    );
  });
});

describe("normalizeRestrictions: limits, expiry and mode", () => {
  it("keeps every limit field on a public key", () => {
    const limits = {
      mode: "report-only",
      rateLimits: [{ requests: 3, windowSeconds: 60, per: "ip" }],
      maxConcurrentCalls: 5,
      maxConcurrentCallsPerUser: 1,
      spendLimit: { minutes: 60, period: "day" },
      userSpendLimit: { minutes: 10, period: "month" },
      maxCallDurationSeconds: 120,
      requireChallenge: true,
    } as const;
    expect(normalizeRestrictions(limits, "public")).toEqual({ ok: true, value: { ...DEFAULTS, ...limits } });
  });

  it("writes expiresAt as a UTC instant, on public and private keys", () => {
    const expiresAt = "2027-01-31T01:00:00+01:00";
    expect(normalizeRestrictions({ expiresAt }, "public")).toEqual({
      ok: true,
      value: { ...DEFAULTS, expiresAt: "2027-01-31T00:00:00.000Z" },
    });
    expect(normalizeRestrictions({ expiresAt }, "private")).toMatchObject({
      ok: true,
      value: { expiresAt: "2027-01-31T00:00:00.000Z", mode: "enforce" },
    });
  });

  it.each(["2027-01-31", "tomorrow", "2027-13-45T00:00:00Z"])("refuses expiresAt %j", (expiresAt) => {
    expect(normalizeRestrictions({ expiresAt }, "public")).toEqual({
      ok: false,
      problem: { field: "restrictions.expiresAt", code: "VALIDATION_FAILED", message: expect.any(String) },
    });
  });

  it.each<[string, RestrictionsInput]>([
    ["mode", { mode: "report-only" }],
    ["rateLimits", { rateLimits: [{ requests: 1, windowSeconds: 1, per: "key" }] }],
    ["maxConcurrentCalls", { maxConcurrentCalls: 1 }],
    ["maxConcurrentCallsPerUser", { maxConcurrentCallsPerUser: 1 }],
    ["spendLimit", { spendLimit: { minutes: 1, period: "day" } }],
    ["userSpendLimit", { userSpendLimit: { minutes: 1, period: "day" } }],
    ["maxCallDurationSeconds", { maxCallDurationSeconds: 60 }],
    ["requireChallenge", { requireChallenge: true }],
  ])("a private key with %s is refused (org-wide limits bound it)", (field, input) => {
    expect(normalizeRestrictions(input, "private")).toEqual({
      ok: false,
      problem: { field: `restrictions.${field}`, code: "VALIDATION_FAILED", message: expect.any(String) },
    });
  });
});
