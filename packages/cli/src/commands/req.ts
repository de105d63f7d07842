import { NoRespondersError, RequestTimeoutError, ServiceError } from "@junction/sdk";
import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { collectHeader, parseHeaders, parsePositive } from "./args.ts";
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
}

export function registerReq(program: Command): void {
  withServerOption(
    program
      .command("req")
      .description("send a request and print the reply (exit 1 on a service error, timeout or no responders)")
      .argument("<subject>", "NATS subject")
      .argument("[data]", "payload: sent as typed, labelled JSON when it parses as JSON"),
  )
    .option("--header <K=V>", "message header (repeatable)", collectHeader, [])
    .option("--timeout <ms>", "how long to wait for the reply", "5000")
    .action(async (subject: string, data: string | undefined, opts: ReqOptions) => {
      const timeoutMs = parsePositive("--timeout", opts.timeout);
      const payload = payloadOf(data, parseHeaders(opts.header));
      const client = await connectOrExit(await toolTarget(opts, "junction req"));
      try {
        // One attempt, no breaker: a person at a prompt wants the first answer, whatever it is.
        const reply = await client.request(subject, payload.bytes, {
          headers: payload.headers,
          timeoutMs,
          retry: false,
          breaker: false,
        });
        process.stdout.write(`${new TextDecoder().decode(reply.data)}\n`);
      } catch (err) {
        if (err instanceof ServiceError) {
          throw new CliExit(ExitCode.Failure, `service error ${err.serviceCode}: ${err.serviceMessage}`, {
            cause: err,
          });
        }
        if (err instanceof NoRespondersError || err instanceof RequestTimeoutError) {
          throw new CliExit(ExitCode.Failure, `${err.message} (${err.code})`, { cause: err });
        }
        throw err;
      } finally {
        await client.drain();
      }
    });
}
