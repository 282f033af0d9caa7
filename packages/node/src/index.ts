export type { ClientTokenRestrictions, HmacTokenOptions, SigningKeyTokenOptions } from "./create-client-token.ts";
export { createClientToken } from "./create-client-token.ts";
