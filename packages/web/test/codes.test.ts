import { readFileSync } from "node:fs";
import { ERROR_CATALOG } from "@portcullis/core";
import { describe, expect, it } from "vitest";
import { CATALOG_CODES } from "../src/index.ts";
import { CODES_FILE, generatedCodes } from "./gen-codes.ts";

describe("the SDK's list of catalog codes", () => {
  it("is exactly the server's error catalog (run `npm run codes -w @portcullis/web` after changing it)", () => {
    expect([...CATALOG_CODES].sort()).toEqual(Object.keys(ERROR_CATALOG).sort());
    expect(readFileSync(CODES_FILE, "utf8")).toBe(generatedCodes());
  });
});
