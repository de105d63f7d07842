import { Empty, type Msg, type MsgHdrs, headers as natsHeaders } from "@nats-io/nats-core";
import { serviceErrorHeaders } from "../client/service-error.ts";

/**
 * The streamed-reply wire rules (docs/protocol.md, "Streamed replies"), shared by both ends:
 * chunks on the reply subject, an optional error message, then a terminator that is a zero-byte
 * message with no headers at all.
 */

/** The terminator: empty payload and no headers (a status line, e.g. 503, is not a terminator). */
export function isTerminator(msg: Pick<Msg, "data" | "headers">): boolean {
  if (msg.data.length !== 0) return false;
  const h = msg.headers;
  return h === undefined || (h.code === 0 && h.keys().length === 0);
}

/** The server's own "no responders" status (503 status line, no payload), not a service error header. */
export function isNoResponders(msg: Pick<Msg, "data" | "headers">): boolean {
  return msg.data.length === 0 && msg.headers?.code === 503;
}

/** Headers of an error message; identity headers are added by the caller. */
export function errorHeaders(base: MsgHdrs | undefined, code: number, message: string): MsgHdrs {
  const h = base ?? natsHeaders();
  for (const [k, v] of Object.entries(serviceErrorHeaders(code, message))) h.set(k, v);
  return h;
}

/** The terminator's payload: nothing, and it is published without headers. */
export const TERMINATOR = Empty;
