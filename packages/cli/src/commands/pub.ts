import type { Command } from "commander";
import { collectHeader, parseHeaders, parsePositive } from "./args.ts";
import {
  connectOrExit,
  type NatsToolOptions,
  payloadOf,
  toolTarget,
  withServerOption,
} from "./nats-connection.ts";

interface PubOptions extends NatsToolOptions {
  header: string[];
  count: string;
}

export function registerPub(program: Command): void {
  withServerOption(
    program
      .command("pub")
      .description("publish a message with Junction identity headers; prints each message id")
      .argument("<subject>", "NATS subject")
      .argument("[data]", "payload: sent as typed, labelled JSON when it parses as JSON"),
  )
    .option("--header <K=V>", "message header (repeatable)", collectHeader, [])
    .option("--count <n>", "publish N messages, each with its own id", "1")
    .action(async (subject: string, data: string | undefined, opts: PubOptions) => {
      const count = parsePositive("--count", opts.count);
      const payload = payloadOf(data, parseHeaders(opts.header));
      const client = await connectOrExit(await toolTarget(opts, "junction pub"));
      try {
        for (let i = 0; i < count; i++) {
          const sent = client.publish(subject, payload.bytes, { headers: payload.headers });
          process.stdout.write(`published ${subject} ${sent.id}\n`);
        }
        // Drain flushes: every message has reached the server when the command exits.
      } finally {
        await client.drain();
      }
    });
}
