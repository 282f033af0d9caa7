// Writes src/codes.ts's CATALOG_CODES from the server's error catalog: `npm run codes -w @portcullis/web`.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ERROR_CATALOG } from "@portcullis/core";

export const CODES_FILE = fileURLToPath(new URL("../src/codes.ts", import.meta.url));

/** src/codes.ts with its list replaced by the catalog's codes, in catalog order. */
export function generatedCodes(source = readFileSync(CODES_FILE, "utf8")): string {
  const list = Object.keys(ERROR_CATALOG)
    .map((code) => `  "${code}",\n`)
    .join("");
  return source.replace(/(export const CATALOG_CODES = \[\n)[\s\S]*?(\] as const;)/, `$1${list}$2`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(CODES_FILE, generatedCodes());
  console.log(`wrote ${CODES_FILE}`);
}
