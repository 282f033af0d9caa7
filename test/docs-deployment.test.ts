import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, SETTINGS } from "@portcullis/server";
import { describe, expect, it } from "vitest";
import { ROOT, sample } from "./lib/doc-samples.ts";

/**
 * docs/deployment.md's start command is for a production host (`/var/lib/portcullis`, a public URL):
 * it is checked, not run. Every variable it sets is one the server reads, each value parses, and the
 * command it ends with is the package's start script. (test/docs-readme.test.ts starts the server.)
 */

const DOC = "docs/deployment.md";

describe("docs/deployment.md", () => {
  it("run: sets only variables the server reads, to values it accepts, then runs npm start", () => {
    const code = sample(DOC, "run").code.replaceAll("\\\n", " ");
    const lines = code.trim().split("\n");
    expect(lines[0]).toBe("npm ci");
    const words = (lines[1] ?? "").trim().split(/\s+/);
    const assignments = words.filter((word) => /^[A-Z_]+=/.test(word));
    expect(words.slice(assignments.length)).toEqual(["npm", "start"]);
    const env = Object.fromEntries(assignments.map((word) => word.split("=", 2) as [string, string]));
    const known = Object.values(SETTINGS).map((setting) => setting.env);
    expect(Object.keys(env).filter((name) => !known.includes(name))).toEqual([]);
    expect(loadConfig(env)).toMatchObject({
      port: 8787,
      host: "0.0.0.0",
      publicUrl: "https://api.example.com",
      dataDir: "/var/lib/portcullis",
    });
    const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
    expect(scripts.start).toContain("packages/server/src/main.ts");
  });
});
