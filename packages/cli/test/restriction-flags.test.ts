import type { Restrictions } from "@portcullis/core";
import { describe, expect, it } from "vitest";
import {
  applyRestrictionFlags,
  type RestrictionFlags,
  type RestrictionsBody,
  restrictionsFromFlags,
} from "../src/restriction-flags.ts";

const current: Restrictions = {
  enabled: true,
  allowedOrigins: ["https://app.example.com"],
  allowedAssistantIds: ["asst_1"],
  allowTransientAssistant: false,
  allowedOverrides: ["variableValues", "firstMessage"],
};

describe("restrictionsFromFlags (keys create): only what was asked, defaults left to the server", () => {
  it.each<[string, RestrictionFlags, RestrictionsBody | undefined]>([
    ["no flags", {}, undefined],
    ["an origin", { origin: ["https://a.example"] }, { allowedOrigins: ["https://a.example"] }],
    ["--disabled", { disabled: true }, { enabled: false }],
    ["--no-allow-override", { allowOverride: false }, { allowedOverrides: [] }],
    ["--allow-transient", { allowTransient: true }, { allowTransientAssistant: true }],
    ["the default of a lone --no-origins is not a flag", { origins: true, assistants: true }, undefined],
  ])("%s", (_, flags, expected) => {
    expect(restrictionsFromFlags(flags)).toEqual(expected);
  });
});

describe("applyRestrictionFlags (keys update): the whole object back, with the flags applied", () => {
  it.each<[string, RestrictionFlags, RestrictionsBody | undefined]>([
    ["no flags: restrictions untouched", { origins: true, assistants: true }, undefined],
    [
      "--origin replaces origins only",
      { origin: ["https://b.example"] },
      { ...current, allowedOrigins: ["https://b.example"] },
    ],
    ["--no-origins drops the rule", { origins: false }, (({ allowedOrigins: _, ...rest }) => rest)(current)],
    ["--no-assistants drops the rule", { assistants: false }, (({ allowedAssistantIds: _, ...rest }) => rest)(current)],
    ["--disable", { disable: true }, { ...current, enabled: false }],
    ["--enable", { enable: true }, { ...current, enabled: true }],
    ["--no-allow-transient", { allowTransient: false }, { ...current, allowTransientAssistant: false }],
    ["--allow-override replaces the list", { allowOverride: ["model"] }, { ...current, allowedOverrides: ["model"] }],
    ["--no-allow-override empties it", { allowOverride: false }, { ...current, allowedOverrides: [] }],
  ])("%s", (_, flags, expected) => {
    expect(applyRestrictionFlags(current, flags)).toEqual(expected);
  });

  it("keeps restriction fields it does not know, so a newer server's settings survive an update", () => {
    const newer = { ...current, maxCallsPerMinute: 10 } as Restrictions;
    expect(applyRestrictionFlags(newer, { disable: true })).toMatchObject({ maxCallsPerMinute: 10, enabled: false });
  });
});
