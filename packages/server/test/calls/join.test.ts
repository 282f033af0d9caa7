import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createAssistant, createOrg, createPublicKey, type Org } from "../helpers.ts";
import { CallClient, refusedJoin } from "./call-client.ts";
import {
  APP_ORIGIN,
  answerOf,
  endedCall,
  expectCode,
  type HttpAnswer,
  type LiveServer,
  readCall,
  scaledScheduler,
  startCall,
  startLiveServer,
} from "./live-server.ts";

let server: LiveServer;
let org: Org;
afterEach(async () => {
  await server.close();
});

/** A fresh server, a public key (origin-restricted unless `allowedOrigins` is null) and a started call. */
async function startedCall(
  options: { allowedOrigins?: string[] | null; live?: Parameters<typeof startLiveServer>[0] } = {},
) {
  server = await startLiveServer(options.live);
  org = await createOrg(server);
  const { id: assistantId } = await createAssistant(server, org.privateKey);
  const allowedOrigins = options.allowedOrigins === undefined ? [APP_ORIGIN] : options.allowedOrigins;
  const key = await createPublicKey(server, org.privateKey, allowedOrigins ? { allowedOrigins } : {});
  return startCall(server, key.value, { assistantId });
}

/** Joins and expects the call to start: the token was still good. */
async function expectJoins(url: string, origin?: string): Promise<CallClient> {
  const client = await CallClient.join(url, origin);
  expect(await client.next("status-update")).toEqual({ type: "status-update", status: "in-progress" });
  return client;
}

function withToken(url: string, token: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("token", token);
  return parsed.toString();
}

/** A plain HTTP GET of the join URL, without the upgrade headers. */
function plainGet(url: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url.replace(/^ws/, "http"), { headers: { origin: APP_ORIGIN } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (part: string) => {
        text += part;
      });
      res.on("end", () =>
        resolve(
          answerOf(
            res.statusCode ?? 0,
            Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
            text,
          ),
        ),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("joining a call", () => {
  it("refuses a wrong token (and a wrong call ID) with 401 CALL_TOKEN_INVALID without spending the real one", async () => {
    const { id, webCallUrl } = await startedCall();
    expectCode(await refusedJoin(withToken(webCallUrl, "A".repeat(43)), APP_ORIGIN), "CALL_TOKEN_INVALID");
    expectCode(await refusedJoin(withToken(webCallUrl, ""), APP_ORIGIN), "CALL_TOKEN_INVALID");
    expectCode(await refusedJoin(webCallUrl.replace(id, "call_doesnotexist"), APP_ORIGIN), "CALL_TOKEN_INVALID");
    await expectJoins(webCallUrl, APP_ORIGIN);
  });

  it("refuses a token used once already, while the call is live and after it ended", async () => {
    const { id, webCallUrl } = await startedCall();
    const client = await expectJoins(webCallUrl, APP_ORIGIN);
    expectCode(await refusedJoin(webCallUrl, APP_ORIGIN), "CALL_TOKEN_INVALID");
    // The refused second join did not disturb the live call.
    client.say("hello");
    await client.assistantSays();

    client.send({ type: "end-call" });
    await endedCall(server, org.privateKey, id);
    expectCode(await refusedJoin(webCallUrl, APP_ORIGIN), "CALL_TOKEN_INVALID");
  });

  it("ends an unjoined call as join-timeout and answers a late join with CALL_TOKEN_EXPIRED", async () => {
    // A 60 s join window in 0.6 s.
    const { id, webCallUrl } = await startedCall({ live: { schedule: scaledScheduler(1 / 100) } });
    const call = await endedCall(server, org.privateKey, id);
    expect(call).toMatchObject({ status: "ended", endedReason: "join-timeout", startedAt: null, messageCount: 0 });
    expectCode(await refusedJoin(webCallUrl, APP_ORIGIN), "CALL_TOKEN_EXPIRED");
    expect((await readCall(server, org.privateKey, id)).endedReason).toBe("join-timeout");
  });

  it("answers CALL_TOKEN_EXPIRED once 60 s have passed by the server's clock, even before the timer ran", async () => {
    const never = () => () => undefined;
    const { id, webCallUrl } = await startedCall({ live: { schedule: never } });
    server.clock.advance(60_001);
    expectCode(await refusedJoin(webCallUrl, APP_ORIGIN), "CALL_TOKEN_EXPIRED");
    expect((await readCall(server, org.privateKey, id)).status).toBe("queued");
  });

  it("refuses a refused origin with 403 ORIGIN_NOT_ALLOWED before spending the token", async () => {
    const { webCallUrl } = await startedCall();
    for (const origin of ["https://evil.example", "http://app.example.com", "https://app.example.com.evil.io"])
      expectCode(await refusedJoin(webCallUrl, origin), "ORIGIN_NOT_ALLOWED");
    await expectJoins(webCallUrl, APP_ORIGIN);
  });

  it("refuses a join without an Origin when the key has origin rules, without spending the token", async () => {
    const { webCallUrl } = await startedCall();
    const refused = expectCode(await refusedJoin(webCallUrl), "ORIGIN_NOT_ALLOWED");
    // Say what is wrong, never which origins would pass.
    expect(JSON.stringify(refused)).not.toContain("app.example.com");
    await expectJoins(webCallUrl, APP_ORIGIN);
  });

  it("lets any origin (or none) join when the key has no origin rules", async () => {
    const { webCallUrl } = await startedCall({ allowedOrigins: null });
    await expectJoins(webCallUrl);
  });

  it("answers a plain HTTP GET with 426 WEBSOCKET_UPGRADE_REQUIRED without spending the token", async () => {
    const { webCallUrl } = await startedCall();
    expectCode(await plainGet(webCallUrl), "WEBSOCKET_UPGRADE_REQUIRED");
    await expectJoins(webCallUrl, APP_ORIGIN);
  });
});
