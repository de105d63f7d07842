import type { Msg } from "@nats-io/nats-core";
import { ServiceError } from "../errors/index.ts";
import { Headers, readHeader } from "../identity/index.ts";

/**
 * The headers of an error reply (docs/protocol.md, "Request / reply and service errors"). Every place
 * that answers with an error writes them here, so the line-break rule holds everywhere: header values
 * cannot hold line breaks (nats.js throws), and error messages sometimes do.
 */
export function serviceErrorHeaders(code: number, message: string): Record<string, string> {
  return {
    [Headers.ServiceError]: message.replace(/[\r\n]+/g, " "),
    [Headers.ServiceErrorCode]: String(Math.trunc(code)),
  };
}

/** The `ServiceError` a reply carries in `Nats-Service-Error(-Code)` headers, if any. */
export function serviceErrorOf(msg: Pick<Msg, "headers">): ServiceError | undefined {
  const codeText = readHeader(msg, Headers.ServiceErrorCode);
  const text = readHeader(msg, Headers.ServiceError);
  if (codeText === undefined && text === undefined) return undefined;
  const code = Number.parseInt(codeText ?? "", 10);
  return new ServiceError(Number.isFinite(code) ? code : 500, text ?? "");
}
