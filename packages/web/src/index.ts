export type { CallEvents } from "./call.ts";
export { Call } from "./call.ts";
export type { Challenge } from "./challenge.ts";
export { solveChallenge } from "./challenge.ts";
export type { AssistantConfig, PortcullisCredentials, PortcullisOptions, StartOptions } from "./client.ts";
export { Portcullis } from "./client.ts";
export type { CatalogCode, KnownCode, SdkCode } from "./codes.ts";
export { CATALOG_CODES } from "./codes.ts";
export { refusePrivateCredential } from "./credentials.ts";
export type { PortcullisErrorDetails } from "./errors.ts";
export { errorFromResponse, PortcullisError } from "./errors.ts";
export type {
  CallStatus,
  ConversationMessage,
  ServerMessage,
  SocketConstructor,
  SocketLike,
  TranscriptMessage,
} from "./messages.ts";
