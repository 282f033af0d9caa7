import { readFileSync } from "node:fs";
import { loadConfig, SETTINGS } from "@portcullis/server";
import { describe, expect, it } from "vitest";
import { renderConfigurationDoc } from "../scripts/render-config-doc.ts";

describe("docs/configuration.md", () => {
  it("is generated from the settings table (run npm run docs:config)", () => {
    expect(readFileSync(new URL("../docs/configuration.md", import.meta.url), "utf8")).toBe(renderConfigurationDoc());
  });

  it.each(Object.values(SETTINGS).filter((s) => s.default !== undefined))("the default of $env parses", (setting) => {
    expect(() => loadConfig({ [setting.env]: setting.default })).not.toThrow();
  });

  it.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["PORTCULLIS_PUBLIC_URL", "not a url"],
    ["PORTCULLIS_PUBLIC_URL", "ftp://example.com"],
    ["LOG_LEVEL", "loud"],
    ["PORTCULLIS_KEY_CACHE_SIZE", "0"],
  ])("a bad %s=%s stops start-up naming the variable", (env, value) => {
    expect(() => loadConfig({ [env]: value })).toThrow(env);
  });
});
