import { displayPrefix, generateKeyValue, hashKeyValue, type KeyTag, newId, type Restrictions } from "@portcullis/core";
import type { Cipher } from "../secrets/cipher.ts";
import type { KeyRecord } from "../storage/records.ts";

/**
 * A new key and its value. Only the hash, a display prefix and the value sealed under the master
 * key are stored; the plain value leaves the server once, in the create response.
 */
export function mintKey(input: {
  orgId: string;
  tag: KeyTag;
  name: string | null;
  restrictions: Restrictions;
  cipher: Cipher;
  at: string;
}): { record: KeyRecord; value: string } {
  const id = newId("key");
  const value = generateKeyValue(input.tag);
  return {
    value,
    record: {
      id,
      orgId: input.orgId,
      tag: input.tag,
      name: input.name,
      hash: hashKeyValue(value),
      displayPrefix: displayPrefix(value),
      encryptedValue: input.cipher.seal(value, id),
      restrictions: input.restrictions,
      createdAt: input.at,
      updatedAt: input.at,
      lastUsedAt: null,
      revokedAt: null,
      previousHash: null,
      previousEncryptedValue: null,
      previousExpiresAt: null,
    },
  };
}
