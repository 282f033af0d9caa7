const SLOTS = 1 << 14;
const SAMPLED_CHARS = 12;

/**
 * Admission to the verified-token cache: a token is cached the second time it verifies, not the
 * first, and a token never seen does not even look the cache up. Most tokens start one call and
 * are never seen again; caching them all would churn the cache (evicting the tokens a browser does
 * reuse) and keep every one alive until evicted, which costs the garbage collector more than
 * verifying it did.
 *
 * It remembers a 32-bit fingerprint of each recent signature in a fixed table (no strings kept,
 * nothing allocated). The signature of a token that verifies is MAC or signature output, so its
 * first characters are already uniformly spread; made-up signatures only take slots, since a token
 * that does not verify is never cached. A wrong answer only costs speed: a collision admits a token
 * one sighting early, an overwritten slot admits it one sighting late, and a cache hit is still
 * trusted only on the identical token text.
 */
export class SecondSight {
  private readonly marks = new Int32Array(SLOTS);

  /**
   * True when the signature (`text` from `start`) was seen by an earlier call (probably);
   * remembers it either way.
   */
  seenBefore(text: string, start = 0): boolean {
    let hash = 0x811c9dc5;
    const end = Math.min(start + SAMPLED_CHARS, text.length);
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    const slot = hash >>> 18;
    const mark = hash | 1; // never 0, the value of an empty slot
    if (this.marks[slot] === mark) return true;
    this.marks[slot] = mark;
    return false;
  }
}
