import { afterEach, describe, expect, it } from "vitest";
import { periodKey } from "../../src/limits/periods.ts";
import { CallClient } from "../calls/call-client.ts";
import {
  APP_ORIGIN,
  endedCall,
  expectCode,
  type LiveServer,
  poll,
  scaledScheduler,
  startCall,
  startLiveServer,
} from "../calls/live-server.ts";
import { createAssistant, createOrg, createPublicKey, type Org } from "../helpers.ts";

let server: LiveServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("a call cut short by a spend cap (live, over a WebSocket)", () => {
  it("runs for what was left and ends as limit-exceeded; the unused part comes back", async () => {
    // Server timers 50 times faster: a 30 s call lasts 0.6 s, the 60 s join window 1.2 s.
    const live = await startLiveServer({ schedule: scaledScheduler(1 / 50) });
    server = live;
    const org: Org = await createOrg(live);
    const { id: assistantId } = await createAssistant(live, org.privateKey, {
      name: "Greeter",
      firstMessage: "Hello.",
      model: { provider: "script", fallback: "Mm." },
      maxDurationSeconds: 90,
    });
    const key = await createPublicKey(live, org.privateKey, {
      allowedOrigins: [APP_ORIGIN],
      spendLimit: { minutes: 2, period: "day" },
    });
    const spent = () => live.store.readCounter(`spend:key:${key.id}:${periodKey("day", live.clock.now())}`);

    const first = await startCall(live, key.value, { assistantId });
    expect(first.call.maxDurationSeconds).toBe(90);
    const second = await startCall(live, key.value, { assistantId });
    expect(second.call.maxDurationSeconds).toBe(30);
    expect((await live.store.findCall(second.id))?.durationLimitedBy).toBe("spend-limit");
    expectCode(
      await live.request("POST", "/call/web", { key: key.value, origin: APP_ORIGIN, payload: { assistantId } }),
      "SPEND_LIMIT_REACHED",
    );

    // The first call is ended before anyone joins it: its 90 s come back whole.
    const ended = await live.request("DELETE", `/call/${first.id}`, { key: org.privateKey });
    expect(ended.statusCode).toBe(200);
    await poll(spent, (used) => used === 30);

    const client = await CallClient.join(second.webCallUrl, APP_ORIGIN);
    await client.next("status-update", (f) => f.status === "in-progress");
    const started = Date.now();
    expect(await client.next("status-update", (f) => f.status === "ended", 5_000)).toMatchObject({
      endedReason: "limit-exceeded",
    });
    // 30 s at 1/50 is 0.6 s of real time.
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    const call = await endedCall(live, org.privateKey, second.id);
    expect(call).toMatchObject({ endedReason: "limit-exceeded", maxDurationSeconds: 30 });

    // The call is charged what it used (under a second of real time, rounded up); the rest comes back.
    const used = Math.ceil(Number(call.durationSeconds));
    await poll(spent, (value) => value === used);
    expect(used).toBeLessThan(30);
    const next = await startCall(live, key.value, { assistantId });
    expect(next.call.maxDurationSeconds).toBe(90);
  });
});
