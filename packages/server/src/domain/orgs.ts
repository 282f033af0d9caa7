import { newId } from "@portcullis/core";
import type { Cipher } from "../secrets/cipher.ts";
import type { OrgRecord } from "../storage/records.ts";
import type { Store } from "../storage/store.ts";
import { mintKey } from "./keys.ts";

/**
 * Creates an org with its first private key, in one transaction, and returns the key's value
 * (the only time it is shown). Used by `portcullis init` and `portcullis orgs create`.
 */
export async function createOrgWithKey(
  store: Store,
  cipher: Cipher,
  input: { name: string; at: string },
): Promise<{ org: OrgRecord; keyId: string; privateKey: string }> {
  const org: OrgRecord = { id: newId("org"), name: input.name, settings: {}, createdAt: input.at };
  const key = mintKey({
    orgId: org.id,
    tag: "private",
    name: "First private key",
    restrictions: { enabled: true, allowTransientAssistant: false, allowedOverrides: [], mode: "enforce" },
    cipher,
    at: input.at,
  });
  await store.createOrg(org, key.record);
  return { org, keyId: key.record.id, privateKey: key.value };
}
