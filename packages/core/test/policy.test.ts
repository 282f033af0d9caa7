import { describe, expect, it } from "vitest";
import {
  type CallRequest,
  compilePolicy,
  type ErrorCode,
  evaluate,
  isErrorCode,
  normalizeRestrictions,
  type Restrictions,
  type RestrictionsInput,
  type RuleName,
} from "../src/index.ts";

const ORIGIN = "https://app.example.com";

/** A policy built the way the server builds one: normalized input, compiled once. */
function policyOf(input: RestrictionsInput) {
  const read = normalizeRestrictions(input, "public");
  if (!read.ok) throw new Error(`test restrictions refused: ${read.problem.message}`);
  return compilePolicy(read.value);
}

function request(overrides: Partial<CallRequest> = {}): CallRequest {
  return { origin: ORIGIN, assistantId: "asst_ok", transient: false, overrideFields: [], ...overrides };
}

const strict: RestrictionsInput = {
  allowedOrigins: [ORIGIN, "https://*.example.org"],
  allowedAssistantIds: ["asst_ok"],
  allowedOverrides: ["variableValues", "firstMessage"],
};

describe("evaluate: each refusal and its code", () => {
  it.each<[string, RestrictionsInput, CallRequest, ErrorCode, RuleName]>([
    ["disabled key", { ...strict, enabled: false }, request(), "KEY_DISABLED", "enabled"],
    ["origin not listed", strict, request({ origin: "https://evil.io" }), "ORIGIN_NOT_ALLOWED", "origin"],
    ["look-alike origin", strict, request({ origin: `${ORIGIN}.evil.io` }), "ORIGIN_NOT_ALLOWED", "origin"],
    ["missing origin", strict, request({ origin: undefined }), "ORIGIN_NOT_ALLOWED", "origin"],
    ["null origin", strict, request({ origin: "null" }), "ORIGIN_NOT_ALLOWED", "origin"],
    ["repeated origin", strict, request({ origin: `${ORIGIN}, ${ORIGIN}` }), "ORIGIN_NOT_ALLOWED", "origin"],
    ["wildcard apex", strict, request({ origin: "https://example.org" }), "ORIGIN_NOT_ALLOWED", "origin"],
    ["assistant not listed", strict, request({ assistantId: "asst_other" }), "ASSISTANT_NOT_ALLOWED", "assistant"],
    ["assistant ID differs in case", strict, request({ assistantId: "asst_OK" }), "ASSISTANT_NOT_ALLOWED", "assistant"],
    [
      "transient by default",
      { allowedOrigins: [ORIGIN] },
      request({ assistantId: undefined, transient: true }),
      "TRANSIENT_ASSISTANT_NOT_ALLOWED",
      "transient",
    ],
    [
      "transient beside an assistant list",
      strict,
      request({ assistantId: undefined, transient: true }),
      "TRANSIENT_ASSISTANT_NOT_ALLOWED",
      "transient",
    ],
  ])("%s → %s", (_name, input, req, code, rule) => {
    const decision = evaluate(policyOf(input), req);
    expect(decision).toMatchObject({ allow: false, code, rule });
    expect(decision).not.toHaveProperty("field");
    expect(isErrorCode(code)).toBe(true);
  });

  it.each<[string, RestrictionsInput, string[], string]>([
    ["model by default", {}, ["model"], "model"],
    ["an unknown field", {}, ["__proto__"], "__proto__"],
    ["the first refused field of several", strict, ["variableValues", "voice", "model"], "voice"],
    ["anything when none are allowed", { allowedOverrides: [] }, ["variableValues"], "variableValues"],
  ])("override: %s → OVERRIDE_NOT_ALLOWED naming the field", (_name, input, overrideFields, field) => {
    expect(evaluate(policyOf(input), request({ overrideFields }))).toMatchObject({
      allow: false,
      code: "OVERRIDE_NOT_ALLOWED",
      rule: "overrides",
      field,
    });
  });
});

describe("evaluate: order enabled → origin → assistant → transient → overrides", () => {
  const everythingWrong = request({
    origin: "https://evil.io",
    assistantId: "asst_other",
    transient: true,
    overrideFields: ["model"],
  });

  it.each<[string, RestrictionsInput, CallRequest, ErrorCode]>([
    ["all rules fail", { ...strict, enabled: false }, everythingWrong, "KEY_DISABLED"],
    ["enabled passes", strict, everythingWrong, "ORIGIN_NOT_ALLOWED"],
    ["origin passes", strict, { ...everythingWrong, origin: ORIGIN }, "ASSISTANT_NOT_ALLOWED"],
    [
      "assistant passes",
      strict,
      { ...everythingWrong, origin: ORIGIN, assistantId: "asst_ok" },
      "TRANSIENT_ASSISTANT_NOT_ALLOWED",
    ],
    [
      "transient passes",
      strict,
      { ...everythingWrong, origin: ORIGIN, assistantId: "asst_ok", transient: false },
      "OVERRIDE_NOT_ALLOWED",
    ],
  ])("%s → %s", (_name, input, req, code) => {
    expect(evaluate(policyOf(input), req)).toMatchObject({ allow: false, code });
  });

  it("the trace of a refusal lists the passed rules in order, then the failing one", () => {
    const decision = evaluate(policyOf(strict), request({ overrideFields: ["model"] }));
    expect(decision.trace.map((step) => [step.rule, step.outcome])).toEqual([
      ["enabled", "pass"],
      ["origin", "pass"],
      ["assistant", "pass"],
      ["overrides", "fail"],
    ]);
  });

  it("a disabled key stops at the first rule", () => {
    const decision = evaluate(policyOf({ enabled: false }), request());
    expect(decision.trace).toEqual([{ rule: "enabled", outcome: "fail", detail: expect.any(String) }]);
  });
});

describe("evaluate: allowed", () => {
  it.each<[string, RestrictionsInput, CallRequest]>([
    ["a listed origin and assistant", strict, request()],
    ["a wildcard origin", strict, request({ origin: "https://a.b.example.org" })],
    ["allowed overrides", strict, request({ overrideFields: ["variableValues", "firstMessage"] })],
    ["no rules and no origin", {}, request({ origin: undefined })],
    ["no rules and a null origin", {}, request({ origin: "null" })],
    [
      "a transient assistant when opted in",
      { allowTransientAssistant: true },
      request({ assistantId: undefined, transient: true }),
    ],
    ["any assistant when none are listed", { allowedOrigins: [ORIGIN] }, request({ assistantId: "asst_anything" })],
  ])("%s", (_name, input, req) => {
    const decision = evaluate(policyOf(input), req);
    expect(decision.allow).toBe(true);
    expect(decision).not.toHaveProperty("code");
    expect(decision.trace.every((step) => step.outcome !== "fail")).toBe(true);
  });

  it("explains every rule it applied", () => {
    const decision = evaluate(
      policyOf({ allowTransientAssistant: true, allowedOrigins: [ORIGIN] }),
      request({ assistantId: undefined, transient: true, overrideFields: ["variableValues"] }),
    );
    expect(decision).toEqual({
      allow: true,
      trace: [
        { rule: "enabled", outcome: "pass", detail: expect.any(String) },
        { rule: "origin", outcome: "pass", detail: expect.any(String) },
        { rule: "transient", outcome: "pass", detail: expect.any(String) },
        { rule: "overrides", outcome: "pass", detail: expect.any(String) },
      ],
    });
  });

  it("says which rules are not set", () => {
    const decision = evaluate(policyOf({}), request());
    expect(decision.trace.map((step) => [step.rule, step.outcome])).toEqual([
      ["enabled", "pass"],
      ["origin", "not-set"],
      ["assistant", "not-set"],
    ]);
  });
});

describe("compilePolicy", () => {
  it("compiles once: a policy answers many requests without recompiling", () => {
    const restrictions: Restrictions = {
      enabled: true,
      allowedOrigins: ["https://*.example.com"],
      allowTransientAssistant: false,
      allowedOverrides: ["variableValues"],
      mode: "enforce",
    };
    const policy = compilePolicy(restrictions);
    expect(policy.restrictions).toBe(restrictions);
    expect(policy.allowOrigin("https://a.example.com")).toBe(true);
    expect(policy.allowOrigin("https://example.com")).toBe(false);
    expect(policy.assistantIds).toBeUndefined();
    expect([...policy.overrides]).toEqual(["variableValues"]);
  });

  it("without an origin rule allows any origin, even a missing one", () => {
    const policy = compilePolicy({
      enabled: true,
      allowTransientAssistant: false,
      allowedOverrides: [],
      mode: "enforce",
    });
    expect(policy.allowOrigin(undefined)).toBe(true);
    expect(policy.allowOrigin("https://anything.example")).toBe(true);
  });
});

describe("evaluate: report-only", () => {
  it.each<[string, CallRequest, ErrorCode, RuleName, string | undefined]>([
    ["origin", request({ origin: "https://evil.io" }), "ORIGIN_NOT_ALLOWED", "origin", undefined],
    ["assistant", request({ assistantId: "asst_other" }), "ASSISTANT_NOT_ALLOWED", "assistant", undefined],
    [
      "transient",
      request({ assistantId: undefined, transient: true }),
      "TRANSIENT_ASSISTANT_NOT_ALLOWED",
      "transient",
      undefined,
    ],
    ["overrides", request({ overrideFields: ["model"] }), "OVERRIDE_NOT_ALLOWED", "overrides", "model"],
  ])("a %s refusal becomes an allow with wouldDeny", (_name, req, code, rule, field) => {
    const decision = evaluate(policyOf({ ...strict, mode: "report-only" }), req);
    expect(decision).toMatchObject({ allow: true, wouldDeny: { code, rule } });
    expect(decision.allow && decision.wouldDeny?.field).toBe(field);
  });

  it("a disabled key still refuses", () => {
    expect(evaluate(policyOf({ ...strict, enabled: false, mode: "report-only" }), request())).toMatchObject({
      allow: false,
      code: "KEY_DISABLED",
    });
  });

  it("a request that passes every rule carries no wouldDeny", () => {
    expect(evaluate(policyOf({ ...strict, mode: "report-only" }), request())).not.toHaveProperty("wouldDeny");
  });
});
