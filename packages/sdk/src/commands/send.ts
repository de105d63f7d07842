import type { OutgoingOptions } from "../client/outgoing.ts";
import { jsonCodec } from "../codecs/index.ts";
import type { JunctionClient } from "../connect/client.ts";
import { CodecError } from "../errors/index.ts";
import { MessageKind } from "../identity/index.ts";
import { ReplyToHeader } from "../jetstream/durable.ts";
import { type CommandAck, isCommandAck } from "./ack.ts";
import { NotACommandAckError } from "./errors.ts";

/** Identity and encoding as for any outgoing message; without `causedBy` the command is a root. */
export interface SendCommandOptions
  extends Pick<OutgoingOptions, "causedBy" | "id" | "idempotencyKey" | "headers" | "codec"> {
  /**
   * `request` (default): request/reply, for handlers that `serve()`. `jetstream`: stored in the stream
   * that captures the subject, with `Junction-Reply-To` naming an inbox the worker acknowledges on.
   */
  readonly via?: "request" | "jetstream";
  /** Wait for the acknowledgement this long (default 5000). A durable command keeps going after it. */
  readonly timeoutMs?: number;
}

/**
 * Sends a command and resolves with its acknowledgement (`accepted` or `rejected`; a rejection is an
 * answer, not an exception). Fails with the request errors (`ERR_TIMEOUT`, `ERR_NO_RESPONDERS`,
 * `ERR_SERVICE` when the handler crashed) or `NotACommandAckError`.
 */
export async function sendCommand<R = unknown>(
  client: JunctionClient,
  subject: string,
  data: unknown,
  options: SendCommandOptions = {},
): Promise<CommandAck<R>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const outgoing: OutgoingOptions = {
    kind: MessageKind.Command,
    ...(options.causedBy === undefined ? {} : { causedBy: options.causedBy }),
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
    ...(options.codec === undefined ? {} : { codec: options.codec }),
  };
  if (options.via === "jetstream") return sendDurable<R>(client, subject, data, timeoutMs, options, outgoing);
  const reply = await client.request(subject, data, {
    ...outgoing,
    timeoutMs,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
  return toAck<R>(subject, reply.data);
}

async function sendDurable<R>(
  client: JunctionClient,
  subject: string,
  data: unknown,
  timeoutMs: number,
  options: SendCommandOptions,
  outgoing: OutgoingOptions,
): Promise<CommandAck<R>> {
  const expected = client.expectReply(subject, timeoutMs);
  expected.reply.catch(() => {}); // observed below, after the publish
  try {
    await client.jetstream().publish(subject, data, {
      ...outgoing,
      headers: { ...options.headers, [ReplyToHeader]: expected.inbox },
      timeoutMs: Math.min(timeoutMs, 5000),
    });
    // A timeout here: the command is stored and will run; only its acknowledgement was missed.
    return toAck<R>(subject, (await expected.reply).data);
  } finally {
    expected.cancel();
  }
}

function toAck<R>(subject: string, payload: Uint8Array): CommandAck<R> {
  let body: unknown;
  try {
    body = jsonCodec().decode(payload);
  } catch (err) {
    if (err instanceof CodecError) throw new NotACommandAckError(subject, "not JSON", { cause: err });
    throw err;
  }
  if (isCommandAck(body)) return body as CommandAck<R>;
  const pubAck = typeof body === "object" && body !== null && "stream" in body && "seq" in body;
  throw new NotACommandAckError(
    subject,
    pubAck
      ? "a JetStream PubAck (a stream captures the subject: send with via: 'jetstream')"
      : "unexpected body",
  );
}
