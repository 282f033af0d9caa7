// The published @vapi-ai/server-sdk pointed at a Portcullis server with a Portcullis private key:
// what a Vapi customer's backend code does unchanged. Differences are documented in
// docs/compatibility.md ("## @vapi-ai/server-sdk"); each one is pinned by a test below.
import { VapiClient, VapiError } from "@vapi-ai/server-sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PortcullisAdmin } from "../src/index.ts";
import { type LiveServer, startServer, startWebCall } from "./live-server.ts";

let server: LiveServer;
let vapi: VapiClient;

beforeEach(async () => {
  server = await startServer();
  // `baseUrl` replaces Vapi's https://api.vapi.ai; `token` is sent as `Authorization: Bearer`.
  vapi = new VapiClient({ token: server.privateKey, baseUrl: server.baseUrl, maxRetries: 0 });
});
afterEach(() => server.close());

const supportAssistant = {
  name: "Support",
  firstMessage: "Hello! How can I help?",
  model: {
    provider: "openai" as const,
    model: "gpt-4o-mini" as const,
    messages: [{ role: "system" as const, content: "You are a concise support agent." }],
    temperature: 0.3,
  },
  voice: { provider: "11labs" as const, voiceId: "burt" },
  endCallPhrases: ["goodbye"],
  metadata: { team: "support" },
};

/** The VapiError a call throws, with the Portcullis error body it carries. */
async function vapiError(fn: () => Promise<unknown>): Promise<{ statusCode?: number; code?: string }> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VapiError);
  const { statusCode, body } = error as VapiError;
  return { statusCode, code: (body as { code?: string } | undefined)?.code };
}

describe("@vapi-ai/server-sdk against Portcullis", () => {
  it("creates an assistant and reads it back, as Vapi answers it", async () => {
    const created = await vapi.assistants.create(supportAssistant);
    expect(created.id).toMatch(/^asst_/);
    expect(created).toMatchObject({ ...supportAssistant, orgId: server.orgId });
    expect(Date.parse(created.createdAt)).not.toBeNaN();

    const read = await vapi.assistants.get({ id: created.id });
    expect(read).toEqual(created);
    expect((await vapi.assistants.list()).map((a) => a.id)).toEqual([created.id]);
    expect((await vapi.assistants.list({ limit: 1 })).map((a) => a.id)).toEqual([created.id]);
  });

  it("updates and deletes an assistant", async () => {
    const created = await vapi.assistants.create(supportAssistant);
    const updated = await vapi.assistants.update({ id: created.id, firstMessage: "Hi!" });
    // PATCH replaces only the fields sent (clarification 3), as Vapi does.
    expect({ firstMessage: updated.firstMessage, name: updated.name }).toEqual({
      firstMessage: "Hi!",
      name: "Support",
    });
    const deleted = await vapi.assistants.delete({ id: created.id });
    expect(deleted.id).toBe(created.id);
    expect(await vapiError(() => vapi.assistants.get({ id: created.id }))).toEqual({
      statusCode: 404,
      code: "NOT_FOUND",
    });
  });

  it("lists calls, filters them by assistant and reads one", async () => {
    expect(await vapi.calls.list()).toEqual([]);
    const assistant = await vapi.assistants.create(supportAssistant);
    const other = await vapi.assistants.create({ name: "Other" });
    // Calls start from the browser with a public key (POST /call/web), as with @vapi-ai/web.
    const admin = new PortcullisAdmin({ apiKey: server.privateKey, baseUrl: server.baseUrl });
    const publicKey = await admin.tokens.create({
      tag: "public",
      restrictions: { allowedAssistantIds: [assistant.id] },
    });
    const res = await startWebCall(server, publicKey.value ?? "", { assistantId: assistant.id });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };

    const calls = await vapi.calls.list();
    expect(calls.map((c) => ({ id: c.id, type: c.type, assistantId: c.assistantId, orgId: c.orgId }))).toEqual([
      { id, type: "webCall", assistantId: assistant.id, orgId: server.orgId },
    ]);
    expect((await vapi.calls.list({ assistantId: assistant.id, limit: 10 })).map((c) => c.id)).toEqual([id]);
    expect(await vapi.calls.list({ assistantId: other.id })).toEqual([]);
    const call = await vapi.calls.get({ id });
    expect({ id: call.id, status: call.status }).toEqual({ id, status: "queued" });
  });

  it("another org's assistant is not found, never forbidden (clarification 4)", async () => {
    const created = await vapi.assistants.create(supportAssistant);
    const other = await server.otherOrg();
    const theirs = new VapiClient({ token: other.privateKey, baseUrl: server.baseUrl, maxRetries: 0 });
    expect(await vapiError(() => theirs.assistants.get({ id: created.id }))).toEqual({
      statusCode: 404,
      code: "NOT_FOUND",
    });
  });

  it("a public key is refused on the private routes Vapi's server SDK uses", async () => {
    const admin = new PortcullisAdmin({ apiKey: server.privateKey, baseUrl: server.baseUrl });
    const publicKey = await admin.tokens.create({ tag: "public" });
    const browser = new VapiClient({ token: publicKey.value ?? "", baseUrl: server.baseUrl, maxRetries: 0 });
    expect(await vapiError(() => browser.assistants.list())).toEqual({
      statusCode: 401,
      code: "PUBLIC_KEY_NOT_ALLOWED_HERE",
    });
  });
});

describe("documented differences (docs/compatibility.md)", () => {
  it("createdAt/updatedAt range filters on lists are refused, not ignored; Portcullis pages with x-next-cursor", async () => {
    expect(await vapiError(() => vapi.calls.list({ createdAtGt: "2025-01-01T00:00:00.000Z" }))).toEqual({
      statusCode: 400,
      code: "UNKNOWN_FIELD",
    });
    expect(await vapiError(() => vapi.assistants.list({ updatedAtLt: "2025-01-01T00:00:00.000Z" }))).toEqual({
      statusCode: 400,
      code: "UNKNOWN_FIELD",
    });
  });

  it("pages stay plain arrays; the next cursor is in the x-next-cursor header of the raw response", async () => {
    for (const name of ["A", "B", "C"]) await vapi.assistants.create({ name });
    const first = await vapi.assistants.list({ limit: 2 }).withRawResponse();
    expect(first.data).toHaveLength(2);
    const cursor = first.rawResponse.headers.get("x-next-cursor");
    expect(cursor).toEqual(expect.any(String));
    const rest = await vapi.assistants.list({ limit: 2 }, { queryParams: { cursor } });
    expect(rest.map((a) => a.name)).toEqual(["A"]);
  });

  it("assistant fields Portcullis does not implement are refused, not silently dropped", async () => {
    const withTranscriber = { ...supportAssistant, transcriber: { provider: "deepgram" as const } };
    expect(await vapiError(() => vapi.assistants.create(withTranscriber))).toEqual({
      statusCode: 400,
      code: "UNKNOWN_FIELD",
    });
  });

  it("there is no server-side POST /call: calls start from the browser through POST /call/web", async () => {
    const assistant = await vapi.assistants.create(supportAssistant);
    expect(await vapiError(() => vapi.calls.create({ assistantId: assistant.id }))).toEqual({
      statusCode: 404,
      code: "ROUTE_NOT_FOUND",
    });
  });

  it("DELETE /call/{id} ends a live call and keeps its record; an ended call answers CALL_NOT_LIVE", async () => {
    const assistant = await vapi.assistants.create(supportAssistant);
    const admin = new PortcullisAdmin({ apiKey: server.privateKey, baseUrl: server.baseUrl });
    const publicKey = await admin.tokens.create({ tag: "public" });
    const res = await startWebCall(server, publicKey.value ?? "", { assistantId: assistant.id });
    const { id } = (await res.json()) as { id: string };

    const ended = await vapi.calls.delete({ id });
    expect({ id: ended.id, status: ended.status }).toEqual({ id, status: "ended" });
    expect((await vapi.calls.get({ id })).status).toBe("ended");
    expect(await vapiError(() => vapi.calls.delete({ id }))).toEqual({ statusCode: 409, code: "CALL_NOT_LIVE" });
    expect(await vapiError(() => vapi.calls.update({ id, name: "renamed" }))).toEqual({
      statusCode: 404,
      code: "ROUTE_NOT_FOUND",
    });
  });
});
