import { createVerifier } from "fast-jwt";

import type { JwtPayload } from "./read-jwt.ts";

/** Verifies a token's signature; when it holds, answers the payload as the library parsed it. */
export type SignatureCheck = (token: string) => JwtPayload | "bad-signature" | "bad-alg" | "malformed";

/**
 * One fast-jwt verifier per key, built once (the key is imported once) and pinned to the key's
 * single algorithm (RFC 8725 §3.1). Time claims are checked by Portcullis with its own clock.
 */
export function signatureCheck(
  key: string | Buffer | import("node:crypto").KeyObject,
  alg: "HS256" | "ES256" | "EdDSA" | "RS256",
): SignatureCheck {
  const keyMaterial =
    typeof key === "string" || Buffer.isBuffer(key) ? key : key.export({ type: "spki", format: "pem" }).toString();
  const verify = createVerifier({
    key: keyMaterial,
    algorithms: [alg],
    ignoreExpiration: true,
    ignoreNotBefore: true,
    cache: false,
    complete: false,
  });
  return (token) => {
    try {
      return verify(token) as JwtPayload;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "FAST_JWT_INVALID_SIGNATURE") return "bad-signature";
      if (code === "FAST_JWT_INVALID_ALGORITHM") return "bad-alg";
      return "malformed";
    }
  };
}
