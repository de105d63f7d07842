export type { ClientContext, Stoppable } from "./context.ts";
export { type ReceivedMessage, receivedMessage } from "./message.ts";
export { type Outgoing, type OutgoingOptions, prepareOutgoing } from "./outgoing.ts";
export type { ExpectedReply } from "./reply-mux.ts";
export {
  breakerOutcome,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type RequestOptions,
  type RequestRetryOptions,
  request,
} from "./request.ts";
export { DEFAULT_QUEUE, type ServeOptions, type Service, type ServiceHandler, serve } from "./serve.ts";
export type { ReplyOptions, ServiceContext } from "./service-context.ts";
export { serviceErrorHeaders, serviceErrorOf } from "./service-error.ts";
