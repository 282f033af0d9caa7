import { describe, expect, it } from "vitest";
import type { Store } from "../../../src/storage/store.ts";
import {
  assistantRecord,
  at,
  auditEvent,
  callRecord,
  credentialRecord,
  joinFor,
  keyRecord,
  memberRecord,
  type OpenStore,
  seedOrg,
  sessionRecord,
  signingKeyRecord,
  useStore,
} from "./fixtures.ts";

const ORGS = ["org_a", "org_b"] as const;
const RESTRICTIONS = keyRecord("org_a", "key").restrictions;

/** One of everything for each org; every id ends with the org's letter (`asst_a`, `asst_b`). */
async function seedBoth(store: Store): Promise<void> {
  for (const orgId of ORGS) {
    const s = orgId.slice(-1);
    await seedOrg(store, orgId);
    await store.insertAssistant(assistantRecord(orgId, `asst_${s}`));
    await store.insertCall(callRecord(orgId, `call_${s}`, { assistantId: `asst_${s}` }), joinFor(`call_${s}`));
    await store.appendAudit(auditEvent(orgId, `aud_${s}`, { keyId: "key_shared", reason: "R", event: "call.deny" }));
    await store.insertCredential(credentialRecord(orgId, `cred_${s}`));
    await store.insertSigningKey(signingKeyRecord(orgId, `sk_${s}`));
    await store.insertMember(memberRecord(orgId, `mem_${s}`));
    await store.insertSession(sessionRecord(orgId, `mem_${s}`, `ses_${s}`));
  }
}

/** Each read, as org `orgId` asking for the other org's row (`other` is that row's id suffix). */
const READS: [string, (store: Store, orgId: string, other: string) => Promise<unknown>][] = [
  ["getKey", (s, org, o) => s.getKey(org, `key_org_${o}`)],
  ["getAssistant", (s, org, o) => s.getAssistant(org, `asst_${o}`)],
  ["assistantExists", async (s, org, o) => (await s.assistantExists(org, `asst_${o}`)) || undefined],
  ["getCall", (s, org, o) => s.getCall(org, `call_${o}`)],
  ["getSigningKey", (s, org, o) => s.getSigningKey(org, `sk_${o}`)],
  ["getMember", (s, org, o) => s.getMember(org, `mem_${o}`)],
];

/** Each write, as org `orgId` aimed at the other org's row: it must find nothing. */
const WRITES: [string, (store: Store, orgId: string, other: string) => Promise<unknown>][] = [
  [
    "updateKey",
    (s, org, o) => s.updateKey(org, `key_org_${o}`, { name: "x", restrictions: RESTRICTIONS, updatedAt: at(1) }),
  ],
  [
    "rotateKey",
    (s, org, o) =>
      s.rotateKey(org, `key_org_${o}`, {
        hash: "h",
        displayPrefix: "p",
        encryptedValue: "e",
        previousExpiresAt: null,
        updatedAt: at(1),
      }),
  ],
  ["revokeKey", (s, org, o) => s.revokeKey(org, `key_org_${o}`, at(1))],
  ["updateAssistant", (s, org, o) => s.updateAssistant(org, `asst_${o}`, { name: "x" }, at(1))],
  ["deleteAssistant", (s, org, o) => s.deleteAssistant(org, `asst_${o}`)],
  ["deleteCredential", (s, org, o) => s.deleteCredential(org, `cred_${o}`)],
  ["deleteSigningKey", (s, org, o) => s.deleteSigningKey(org, `sk_${o}`)],
  ["deleteMember", (s, org, o) => s.deleteMember(org, `mem_${o}`)],
  ["deleteMemberSessions", async (s, org, o) => (await s.deleteMemberSessions(org, `mem_${o}`)) || undefined],
];

/** Everything org `orgId` can list, as stored. */
async function everythingListed(store: Store, orgId: string): Promise<{ id: string; orgId: string }[]> {
  const page = { limit: 100 };
  return [
    ...(await store.listKeys(orgId)),
    ...(await store.listPrivateKeys(orgId)),
    ...(await store.listAssistants(orgId, page)).items,
    ...(await store.listCalls(orgId, page)).items,
    ...(await store.listCalls(orgId, { ...page, assistantId: "asst_a" })).items,
    ...(await store.listAudit(orgId, { ...page, keyId: "key_shared", reason: "R", event: "call.deny" })).items,
    ...(await store.listCredentials(orgId)),
    ...(await store.listSigningKeys(orgId)),
    ...(await store.listMembers(orgId)),
  ];
}

export function isolationContract(open: OpenStore): void {
  describe("cross-org isolation", () => {
    const t = useStore(open);

    it("an org's lists hold its own rows only", async () => {
      await seedBoth(t.store);
      for (const orgId of ORGS) {
        const listed = await everythingListed(t.store, orgId);
        expect(listed.length).toBeGreaterThan(0);
        expect(listed.filter((row) => row.orgId !== orgId).map((row) => row.id)).toEqual([]);
      }
      expect(await t.store.countMembers("org_a")).toBe(1);
    });

    it.each(READS)("%s finds nothing of another org", async (_name, read) => {
      await seedBoth(t.store);
      expect(await read(t.store, "org_a", "b")).toBeUndefined();
      expect(await read(t.store, "org_b", "a")).toBeUndefined();
      expect(await read(t.store, "org_b", "b")).toBeTruthy();
    });

    it.each(WRITES)("%s changes nothing of another org", async (_name, write) => {
      await seedBoth(t.store);
      const before = await everythingListed(t.store, "org_b");
      expect(await write(t.store, "org_a", "b")).toBeUndefined();
      expect(await everythingListed(t.store, "org_b")).toEqual(before);
      expect(await t.store.findSession("cookie-hash-of-ses_b")).toBeDefined();
      expect(await write(t.store, "org_b", "b")).toBeTruthy();
    });

    it("decision counts of one org are not read as another's", async () => {
      await t.store.addDecisionCounts([
        { orgId: "org_a", keyId: "key_1", bucket: at(0), outcome: "allowed", reason: "", origin: "", count: 1 },
      ]);
      expect(await t.store.decisionCounts("org_b", "key_1", at(0))).toEqual([]);
    });
  });
}
