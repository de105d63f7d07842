import {
  type Codec,
  type JunctionClient,
  NoRespondersError,
  NoStreamError,
  RequestTimeoutError,
  rawCodec,
  ServiceError,
} from "@junction/sdk";
import { DurableRequestTimeoutError } from "@junction/sdk/jetstream";
import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { collectHeader, parseHeaders, parsePositive } from "./args.ts";
import { durableSubjectOf, pubAckStream } from "./durable-subject.ts";
import {
  connectOrExit,
  type NatsToolOptions,
  payloadOf,
  toolTarget,
  withServerOption,
} from "./nats-connection.ts";

interface ReqOptions extends NatsToolOptions {
  header: string[];
  timeout: string;
  idempotencyKey?: string;
}

const RAW = rawCodec() as Codec<unknown>;

export function registerReq(program: Command): void {
  withServerOption(
    program
      .command("req")
      .description(
        "send a request and print the reply (exit 1 on a service error, timeout or no responders); with --idempotency-key, a durable request that prints the stored outcome",
      )
      .argument("<subject>", "NATS subject")
      .argument("[data]", "payload: sent as typed, labelled JSON when it parses as JSON"),
  )
    .option("--header <K=V>", "message header (repeatable)", collectHeader, [])
    .option("--timeout <ms>", "how long to wait for the reply", "5000")
    .option(
      "--idempotency-key <key>",
      "send a durable request (subjects a stream captures, e.g. durable operations): runs once per key, waits for the stored outcome",
    )
    .action(async (subject: string, data: string | undefined, opts: ReqOptions) => {
      const timeoutMs = parsePositive("--timeout", opts.timeout);
      const payload = payloadOf(data, parseHeaders(opts.header));
      const target = await toolTarget(opts, "junction req");
      const key = opts.idempotencyKey;
      if (key !== undefined && (key === "" || key.length > 256 || /[\p{Cc}]/u.test(key))) {
        throw new CliExit(
          ExitCode.Invalid,
          "--idempotency-key: use 1-256 characters without control characters",
        );
      }
      const durable =
        target.loaded === undefined ? undefined : durableSubjectOf(target.loaded.config, subject);
      if (durable !== undefined && key === undefined) {
        const what =
          durable.operation === undefined
            ? `stream ${durable.stream} stores ${subject}`
            : `${subject} is the durable operation ${durable.operation}`;
        throw new CliExit(
          ExitCode.Invalid,
          `${what}: send it with --idempotency-key KEY to run it once and print its stored outcome (a plain request would only get the stream's acknowledgement)`,
        );
      }
      if (durable === undefined && key !== undefined && target.loaded !== undefined) {
        throw new CliExit(
          ExitCode.Invalid,
          `--idempotency-key: no stream of ${target.loaded.file ?? "the config"} stores ${subject}, so there is no durable request to make; leave it out`,
        );
      }
      const client = await connectOrExit(target);
      try {
        const reply =
          key === undefined
            ? await plainRequest(client, subject, payload, timeoutMs)
            : await client.jetstream().durableRequest<Uint8Array>(subject, payload.bytes, {
                idempotencyKey: key,
                timeoutMs,
                headers: payload.headers,
                codec: RAW,
              });
        process.stdout.write(`${new TextDecoder().decode(reply)}\n`);
      } catch (err) {
        if (err instanceof ServiceError) {
          throw new CliExit(ExitCode.Failure, `service error ${err.serviceCode}: ${err.serviceMessage}`, {
            cause: err,
          });
        }
        if (err instanceof DurableRequestTimeoutError) {
          throw new CliExit(
            ExitCode.Failure,
            `${err.message} (${err.code}); the request is stored and keeps running: send it again with the same --idempotency-key for its outcome`,
            { cause: err },
          );
        }
        if (
          err instanceof NoRespondersError ||
          err instanceof RequestTimeoutError ||
          err instanceof NoStreamError
        ) {
          throw new CliExit(ExitCode.Failure, `${err.message} (${err.code})`, { cause: err });
        }
        throw err;
      } finally {
        await client.drain();
      }
    });
}

/** One attempt, no breaker: a person at a prompt wants the first answer, whatever it is. */
async function plainRequest(
  client: JunctionClient,
  subject: string,
  payload: { bytes: Uint8Array; headers: Record<string, string> },
  timeoutMs: number,
): Promise<Uint8Array> {
  const reply = await client.request(subject, payload.bytes, {
    headers: payload.headers,
    timeoutMs,
    retry: false,
    breaker: false,
  });
  // Without a config to tell, a stream may still have stored the request: never print its PubAck as the answer.
  const stream = pubAckStream(reply.data);
  if (stream !== undefined) {
    throw new CliExit(
      ExitCode.Failure,
      `stream ${stream} stored ${subject} and answered with its acknowledgement, not a reply (it may still run): send it with --idempotency-key KEY for a durable request`,
    );
  }
  return reply.data;
}
