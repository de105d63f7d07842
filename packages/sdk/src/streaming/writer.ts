import type { NatsConnection } from "@nats-io/nats-core";
import type { Codec } from "../codecs/index.ts";
import { CancelledError, ServiceError } from "../errors/index.ts";
import { type MessageIdentity, MessageKind, newIdentity, writeHeaders } from "../identity/index.ts";
import { errorHeaders, TERMINATOR } from "./protocol.ts";

/** How a stream handler answers: chunks, then `end()` or `error()`. Every method is safe to call late. */
export interface StreamWriter<C = unknown> {
  /**
   * Sends one chunk. Returns false, sending nothing, once the stream has ended or the caller has gone
   * away (it stopped listening: broke out of its loop, timed out, aborted).
   */
  write(chunk: C): boolean;
  /** Sends the terminator (an empty message with no headers). Idempotent. */
  end(): void;
  /** Sends a service error (`Nats-Service-Error-Code` / `Nats-Service-Error`), then the terminator. */
  error(code: number, message: string): void;
  /** True once the stream ended, failed or lost its caller. */
  readonly closed: boolean;
}

export interface WriterDeps {
  readonly nc: NatsConnection;
  /** The request's reply subject, where every chunk goes. */
  readonly reply: string;
  /** The request: chunks are derived from it (same correlation id, causation id = its id). */
  readonly request: MessageIdentity;
  readonly codec: Codec<unknown>;
  /** Reply subject set on chunks so the server answers 503 when nobody listens any more. */
  readonly probe: string | undefined;
  /** Called once when the caller is found gone. */
  readonly onGone: () => void;
}

/** The writer plus what the serving loop needs to know about it. */
export interface StreamWriterControl<C> extends StreamWriter<C> {
  /** The interest probe (or a failed publish) found no listener. */
  gone(): void;
  /** The error sent with `error()`, if any, for telemetry. */
  readonly failure: ServiceError | CancelledError | undefined;
}

export function createStreamWriter<C>(deps: WriterDeps): StreamWriterControl<C> {
  let closed = false;
  let failure: ServiceError | CancelledError | undefined;
  const { nc, reply, codec } = deps;
  const publishOptions = deps.probe === undefined ? {} : { reply: deps.probe };

  const headers = () =>
    writeHeaders({
      identity: newIdentity(deps.request),
      kind: MessageKind.Reply,
      contentType: codec.contentType,
    });
  const gone = () => {
    if (closed) return;
    closed = true;
    failure = new CancelledError("the caller stopped listening");
    deps.onGone();
  };
  // A publish throws only when the connection is closing: the caller cannot hear us either.
  const send = (fn: () => void): boolean => {
    try {
      fn();
      return true;
    } catch {
      gone();
      return false;
    }
  };
  const terminate = () => {
    closed = true;
    send(() => nc.publish(reply, TERMINATOR));
  };

  return {
    write(chunk) {
      if (closed) return false;
      // Encode first: a chunk the codec refuses throws CodecError to the handler, nothing is sent.
      const payload = chunk instanceof Uint8Array ? chunk : codec.encode(chunk);
      return send(() => nc.publish(reply, payload, { ...publishOptions, headers: headers() }));
    },
    end() {
      if (!closed) terminate();
    },
    error(code, message) {
      if (closed) return;
      failure = new ServiceError(code, message);
      if (send(() => nc.publish(reply, TERMINATOR, { headers: errorHeaders(headers(), code, message) }))) {
        terminate();
      }
    },
    gone,
    get closed() {
      return closed;
    },
    get failure() {
      return failure;
    },
  };
}
