import type { ReceivedMessage } from "../client/message.ts";
import type { ServeOptions, Service } from "../client/serve.ts";
import { jsonCodec, rawCodec } from "../codecs/index.ts";
import { MessageKind } from "../identity/index.ts";
import { ReplyToHeader } from "../jetstream/durable.ts";
import type { Job } from "../jetstream/job.ts";
import type { Worker, WorkerOptions } from "../jetstream/worker.ts";
import { parsePattern } from "../subjects/parse.ts";
import { ackHeaders } from "./ack.ts";
import {
  type CommandDeps,
  type CommandHandlerConfig,
  createCommandProcessor,
  type IncomingCommand,
  type ProcessCommand,
} from "./pipeline.ts";

export interface CommandHandler<R = unknown> {
  readonly subject: string;
  /** The pipeline without a transport: for tests (with `@junction/sdk/testing` fixtures) or your own. */
  readonly process: ProcessCommand<R>;
  /**
   * Request/reply: the acknowledgement is the reply. For subjects no stream captures (a stream would
   * answer the request with its PubAck too). An unexpected handler failure is a 500 service error.
   */
  serve(options?: Omit<ServeOptions, "codec" | "replyCodec">): Promise<Service>;
  /**
   * JetStream: a durable worker on `stream` (filtered on the handler's subject). The acknowledgement
   * goes to the command's `Junction-Reply-To` inbox when it names one; a rejection is final (acked),
   * an unexpected failure is retried with backoff and dead-lettered at the end.
   */
  work(stream: string, durable: string, options?: Omit<WorkerOptions<Uint8Array>, "codec">): Promise<Worker>;
}

/** The command as a request/reply service or a stream worker receives it. */
export function commandFromMessage(message: ReceivedMessage<unknown>): IncomingCommand {
  return {
    subject: message.subject,
    data: message.data,
    identity: message.identity,
    idempotencyKey: message.idempotencyKey,
    headers: message.headers,
  };
}

/** A worker's job as a command (run the worker with `codec: rawCodec()`). */
export function commandFromJob(job: Job<Uint8Array>): IncomingCommand {
  return {
    subject: job.subject,
    data: job.data,
    identity: job.identity,
    idempotencyKey: job.idempotencyKey,
    headers: job.headers,
  };
}

/**
 * A command handler: `createCommandHandler({ subject, schema, handle }, { client })`, then `serve()`
 * or `work(stream, durable)`. See docs/domain-toolkit.md.
 */
export function createCommandHandler<T = unknown, R = unknown>(
  config: CommandHandlerConfig<T, R>,
  deps: CommandDeps,
): CommandHandler<R> {
  const process = createCommandProcessor(config, deps);
  const { client } = deps;
  const ackCodec = jsonCodec();
  return {
    subject: config.subject,
    process,
    serve: (options = {}) =>
      client.serve(
        config.subject,
        async (ctx) => {
          const ack = await process(commandFromMessage(ctx.message));
          ctx.reply(ack, { codec: ackCodec, headers: ackHeaders(ack) });
        },
        { ...options, codec: rawCodec() },
      ),
    work: (stream, durable, options = {}) =>
      client.jetstream().worker<Uint8Array>(
        stream,
        durable,
        async (job) => {
          const ack = await process(commandFromJob(job));
          const inbox = job.header(ReplyToHeader);
          if (inbox === undefined) return;
          client.publish(inbox, ack, {
            causedBy: job.identity,
            kind: MessageKind.Reply,
            headers: ackHeaders(ack),
            codec: ackCodec,
          });
        },
        { filterSubject: parsePattern(config.subject).natsSubject, ...options, codec: rawCodec() },
      ),
  };
}
