/**
 * The acknowledgement a command handler answers with (docs/protocol.md, "Commands"): a JSON reply
 * with `Junction-Command-Status` (and, when rejected, `Junction-Command-Code`) headers, so a caller in
 * any language can read the status without parsing the body.
 */

export const CommandHeaders = {
  Status: "Junction-Command-Status",
  Code: "Junction-Command-Code",
} as const;

/** One problem found by validation: where (`amount`, `items.0.sku`, a header name) and what. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** An event a handler emitted, as published. */
export interface EmittedEvent {
  readonly subject: string;
  readonly id: string;
}

export interface AcceptedAck<R = unknown> {
  readonly status: "accepted";
  readonly commandId: string;
  readonly correlationId: string;
  readonly events: readonly EmittedEvent[];
  /** What the handler returned, if anything. */
  readonly result?: R;
}

export interface RejectedAck {
  readonly status: "rejected";
  readonly commandId: string;
  readonly correlationId: string;
  /** Stable: `ERR_VALIDATION` from the pipeline, or the handler's own code. */
  readonly code: string;
  readonly reason: string;
  readonly issues?: readonly ValidationIssue[];
}

export type CommandAck<R = unknown> = AcceptedAck<R> | RejectedAck;

/** The headers that go with an acknowledgement on the wire. */
export function ackHeaders(ack: CommandAck): Record<string, string> {
  return ack.status === "accepted"
    ? { [CommandHeaders.Status]: "accepted" }
    : { [CommandHeaders.Status]: "rejected", [CommandHeaders.Code]: ack.code };
}

/** Whether a decoded reply body is an acknowledgement (a reader must not trust a peer's shape). */
export function isCommandAck(value: unknown): value is CommandAck {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.commandId !== "string" || typeof v.correlationId !== "string") return false;
  if (v.status === "accepted") return Array.isArray(v.events);
  return v.status === "rejected" && typeof v.code === "string" && typeof v.reason === "string";
}
