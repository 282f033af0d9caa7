import { readFileSync } from "node:fs";
import { ERROR_CATALOG } from "@portcullis/core";
import { describe, expect, it } from "vitest";
import { sample } from "./lib/doc-samples.ts";
import { startLocalServer } from "./lib/servers.ts";

const doc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");
const documented = new Map(
  [...doc.matchAll(/^### ([A-Z_]+)\nStatus: (\d{3})\./gm)].map((m) => [m[1] as string, Number(m[2])]),
);

describe("docs/errors.md", () => {
  it.each(Object.entries(ERROR_CATALOG))("documents %s with its status", (code, entry) => {
    expect(documented.get(code)).toBe(entry.status);
  });

  it("documents no code the catalog lacks", () => {
    const extra = [...documented.keys()].filter((code) => !Object.hasOwn(ERROR_CATALOG, code));
    expect(extra).toEqual([]);
  });

  it("has one section per code", () => {
    const headings = [...doc.matchAll(/^### ([A-Z_]+)$/gm)].map((m) => m[1]);
    expect(headings.length).toBe(new Set(headings).size);
    expect(headings.length).toBe(Object.keys(ERROR_CATALOG).length);
  });
});

describe("docs/errors.md: the error body", () => {
  it("body: a real refusal has exactly the fields shown, with the values shown but its own requestId", async () => {
    const shown = JSON.parse(sample("docs/errors.md", "body").code);
    const server = await startLocalServer();
    try {
      const { value } = await server.admin<{ value: string }>("POST", "/token", {
        tag: "public",
        restrictions: { allowedOrigins: ["https://app.example.com"] },
      });
      const { id } = await server.admin<{ id: string }>("POST", "/assistant", { name: "Support" });
      const refusal = await server.webCall(value, "https://evil.example", { assistantId: id });
      expect(refusal.status).toBe(shown.statusCode);
      expect(Object.keys(refusal.body).sort()).toEqual(Object.keys(shown).sort());
      expect(refusal.body).toEqual({ ...shown, requestId: expect.stringMatching(/^req_[\w-]+$/) });
    } finally {
      await server.close();
    }
  });
});
