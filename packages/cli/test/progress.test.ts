import { describe, expect, it } from "vitest";
import { withProgress } from "../src/progress.ts";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("withProgress", () => {
  it("draws a spinner on a terminal when the work is slow, then clears the line", async () => {
    const stream = fakeStream(true);
    expect(await withProgress("GET /token", after(120, "done"), stream, 10)).toBe("done");
    expect(stream.writes[0]).toMatch(/^\r. GET \/token$/);
    expect(stream.writes.at(-1)).toBe("\r\x1b[K");
  });

  it("draws nothing when the work is fast", async () => {
    const stream = fakeStream(true);
    await withProgress("GET /token", after(1, "done"), stream, 200);
    expect(stream.writes).toEqual([]);
  });

  it("draws nothing when stderr is not a terminal", async () => {
    const stream = fakeStream(false);
    await withProgress("GET /token", after(50, "done"), stream, 0);
    expect(stream.writes).toEqual([]);
  });

  it("clears the line when the work fails", async () => {
    const stream = fakeStream(true);
    await expect(
      withProgress(
        "GET /token",
        after(60, 0).then(() => Promise.reject(new Error("boom"))),
        stream,
        5,
      ),
    ).rejects.toThrow("boom");
    expect(stream.writes.at(-1)).toBe("\r\x1b[K");
  });
});
