export { type HeaderName, Headers, headerValue } from "./headers.ts";
export { type MessageIdentity, newMessageId, readIdentity } from "./identity.ts";
