const SLOTS = 1 << 14;
const SAMPLED_CHARS = 12;

/**
 * Admission to the verified-token cache: a token is cached the second time it verifies, not the
 * first. Most tokens start one call and are never seen again; caching them all would churn the
 * cache (evicting the tokens a browser does reuse) and keep every one alive until evicted, which
 * costs the garbage collector more than verifying it did.
 *
 * It remembers a 32-bit fingerprint of each recent signature in a fixed table (no strings kept,
 * nothing allocated). Signatures of verified tokens are MAC or signature output, so their first
 * characters are already uniformly spread. A wrong answer only costs speed: a collision admits a
 * token one sighting early, an overwritten slot admits it one sighting late; a cache hit is still
 * trusted only on the identical token text.
 */
export class SecondSight {
  private readonly marks = new Int32Array(SLOTS);

  /** True when this signature was seen by an earlier call (probably); remembers it either way. */
  seenBefore(signature: string): boolean {
    let hash = 0x811c9dc5;
    const end = Math.min(SAMPLED_CHARS, signature.length);
    for (let i = 0; i < end; i++) hash = Math.imul(hash ^ signature.charCodeAt(i), 0x01000193);
    const slot = hash >>> 18;
    const mark = hash | 1; // never 0, the value of an empty slot
    if (this.marks[slot] === mark) return true;
    this.marks[slot] = mark;
    return false;
  }
}
