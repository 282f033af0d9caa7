/**
 * Writes packages/node/src/generated/api-types.ts from the server's OpenAPI document.
 * Run from the repository root: `npm run generate`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadOpenApiDocument } from "./openapi-document.ts";
import { formatWithBiome, OUTPUT_PATH, renderApiTypes } from "./render-api-types.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const target = resolve(root, OUTPUT_PATH);
const text = formatWithBiome(renderApiTypes(await loadOpenApiDocument()));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, text);
console.log(`wrote ${OUTPUT_PATH}`);
