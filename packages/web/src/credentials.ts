import { PortcullisError } from "./errors.ts";

const PRIVATE_KEY = /^pcsk_/;

/** Decodes a JWT's payload without verifying it (the server verifies); undefined if it is not one. */
function jwtPayload(token: string): Record<string, unknown> | undefined {
  const part = token.split(".")[1];
  if (part === undefined) return undefined;
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const value: unknown = JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), "=")));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Throws `PRIVATE_KEY_IN_BROWSER` for a private key (`pcsk_…`) or a token with tag `private`:
 * whatever is in a browser is public, and a private credential there is a leak waiting to ship.
 *
 * @example
 * refusePrivateCredential("pcpk_…");  // fine
 * refusePrivateCredential("pcsk_…");  // throws PortcullisError PRIVATE_KEY_IN_BROWSER
 */
export function refusePrivateCredential(value: string): void {
  if (PRIVATE_KEY.test(value.trim()))
    throw new PortcullisError(
      "PRIVATE_KEY_IN_BROWSER",
      "A private key (pcsk_…) must never be in a browser: anyone can read it from the page. Use a public key (pcpk_…) restricted to your origins, or a short-lived token minted by your server.",
    );
  const token = jwtPayload(value)?.token as { tag?: unknown } | undefined;
  if (token?.tag === "private")
    throw new PortcullisError(
      "PRIVATE_KEY_IN_BROWSER",
      "This token has tag 'private' and must never be in a browser. Mint browser tokens with tag 'public'.",
    );
}
