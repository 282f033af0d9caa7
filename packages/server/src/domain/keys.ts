import {
  generateKeyValue,
  hashKeyValue,
  type KeyTag,
  newId,
  displayPrefix as prefixOf,
  type Restrictions,
} from "@portcullis/core";
import type { Cipher } from "../secrets/cipher.ts";
import type { KeyRecord } from "../storage/records.ts";

/**
 * A new key and its value. Only the hash, a display prefix and the value sealed under the master
 * key are stored; the plain value leaves the server once, in the create response.
 */
/**
 * A new value for key `id`: the value itself (shown once), its hash and display prefix, and the
 * value sealed under the master key, bound to the key's ID. Used for new keys and rotations.
 */
export function mintKeyValue(
  tag: KeyTag,
  id: string,
  cipher: Cipher,
): { value: string; hash: string; displayPrefix: string; encryptedValue: string } {
  const value = generateKeyValue(tag);
  return { value, hash: hashKeyValue(value), displayPrefix: prefixOf(value), encryptedValue: cipher.seal(value, id) };
}

export function mintKey(input: {
  orgId: string;
  tag: KeyTag;
  name: string | null;
  restrictions: Restrictions;
  cipher: Cipher;
  at: string;
}): { record: KeyRecord; value: string } {
  const id = newId("key");
  const { value, hash, displayPrefix, encryptedValue } = mintKeyValue(input.tag, id, input.cipher);
  return {
    value,
    record: {
      id,
      orgId: input.orgId,
      tag: input.tag,
      name: input.name,
      hash,
      displayPrefix,
      encryptedValue,
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
