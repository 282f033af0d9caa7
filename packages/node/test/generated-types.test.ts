import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOpenApiDocument } from "../scripts/openapi-document.ts";
import { formatWithBiome, OUTPUT_PATH, renderApiTypes } from "../scripts/render-api-types.ts";
import { type JsonSchema, schemaToTs } from "../scripts/schema-to-ts.ts";

const root = resolve(import.meta.dirname, "../../..");

describe("generated API types", () => {
  it("match the server's current /openapi.json (run `npm run generate` when this fails)", async () => {
    const fresh = formatWithBiome(renderApiTypes(await loadOpenApiDocument()));
    const committed = readFileSync(resolve(root, OUTPUT_PATH), "utf8");
    if (committed === fresh) return;
    const a = committed.split("\n");
    const b = fresh.split("\n");
    const line = a.findIndex((text, i) => text !== b[i]);
    expect.fail(
      `${OUTPUT_PATH} is out of date with the server's routes: run \`npm run generate\`.\n` +
        `First difference at line ${line + 1}:\n  committed: ${a[line] ?? "(end of file)"}\n  expected:  ${b[line] ?? "(end of file)"}`,
    );
  });

  it("name every route of the document", async () => {
    const doc = await loadOpenApiDocument();
    const text = readFileSync(resolve(root, OUTPUT_PATH), "utf8");
    for (const [path, item] of Object.entries(doc.paths))
      for (const method of Object.keys(item)) expect(text).toContain(`"${method.toUpperCase()} ${path}": {`);
  });
});

describe("schemaToTs", () => {
  const none = () => undefined;
  it.each<[string, JsonSchema, string]>([
    ["string", { type: "string" }, "string"],
    ["integer", { type: "integer", minimum: 1 }, "number"],
    ["nullable", { type: ["string", "null"] }, "string | null"],
    ["enum", { type: "string", enum: ["a", "b"] }, '"a" | "b"'],
    ["const", { const: 3 }, "3"],
    ["array of union", { type: "array", items: { type: ["string", "number"] } }, "(string | number)[]"],
    ["open map", { type: "object", additionalProperties: true }, "{ [key: string]: unknown }"],
    ["typed map", { type: "object", additionalProperties: { type: "integer" } }, "{ [key: string]: number }"],
    ["closed empty object", { type: "object", additionalProperties: false }, "Record<string, never>"],
    ["anyOf", { anyOf: [{ type: "boolean" }, { type: "null" }] }, "boolean | null"],
    ["$ref", { $ref: "#/components/schemas/Foo" }, "Foo"],
    ["no type", {}, "unknown"],
  ])("%s", (_name, schema, expected) => {
    expect(schemaToTs(schema, none)).toBe(expected);
  });

  it("prints required and optional properties, quoted names and descriptions", () => {
    const schema: JsonSchema = {
      type: ["object", "null"],
      required: ["id"],
      properties: { id: { type: "string", description: "The ID." }, "x-y": { type: "boolean" } },
      additionalProperties: false,
    };
    expect(schemaToTs(schema, none)).toBe('{\n  /** The ID. */\n  id: string;\n  "x-y"?: boolean;\n} | null');
  });

  it("refers to a named schema instead of repeating it", () => {
    const named: JsonSchema = { type: "object", properties: { a: { type: "string" } } };
    const nameOf = (s: JsonSchema) => (JSON.stringify(s) === JSON.stringify(named) ? "Named" : undefined);
    expect(schemaToTs({ type: "array", items: { ...named } }, nameOf)).toBe("Named[]");
  });
});
