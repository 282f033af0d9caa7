/** A proof-of-work puzzle from `GET /challenge` (the ALTCHA v1 scheme). */
export type Challenge = {
  algorithm: string;
  challenge: string;
  maxnumber: number;
  salt: string;
  signature: string;
};

// Digests are started in batches: crypto.subtle is asynchronous, and awaiting each one in turn
// spends most of the time waiting rather than hashing.
const BATCH = 500;

function hex(buffer: ArrayBuffer): string {
  let out = "";
  for (const byte of new Uint8Array(buffer)) out += byte.toString(16).padStart(2, "0");
  return out;
}

/**
 * Solves a challenge: finds `number` in [0, maxnumber] with hex(SHA-256(salt + number)) equal to
 * `challenge`, and returns the base64 payload the server expects as `challenge` in `POST /call/web`,
 * or `undefined` when no number in range works.
 *
 * @example
 * const puzzle = await (await fetch(`${baseUrl}/challenge`)).json();
 * const solution = await solveChallenge(puzzle);
 */
export async function solveChallenge(
  puzzle: Challenge,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<string | undefined> {
  if (puzzle.algorithm !== "SHA-256") return undefined;
  const encoder = new TextEncoder();
  const target = puzzle.challenge.toLowerCase();
  for (let start = 0; start <= puzzle.maxnumber; start += BATCH) {
    const end = Math.min(start + BATCH - 1, puzzle.maxnumber);
    const tries: Promise<ArrayBuffer>[] = [];
    for (let n = start; n <= end; n++) tries.push(subtle.digest("SHA-256", encoder.encode(puzzle.salt + n)));
    const digests = await Promise.all(tries);
    const found = digests.findIndex((digest) => hex(digest) === target);
    if (found >= 0) {
      const { algorithm, challenge, salt, signature } = puzzle;
      return btoa(JSON.stringify({ algorithm, challenge, number: start + found, salt, signature }));
    }
  }
  return undefined;
}
