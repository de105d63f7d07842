import { Headers, type ReceivedMessage, rawCodec, receivedMessage } from "@junction/sdk";
import type { Command } from "commander";
import { parsePositive } from "./args.ts";
import {
  connectOrExit,
  dataOf,
  type NatsToolOptions,
  toolTarget,
  withServerOption,
} from "./nats-connection.ts";

interface SubOptions extends NatsToolOptions {
  queue?: string;
  count?: string;
  json?: boolean;
}

export function registerSub(program: Command): void {
  withServerOption(
    program
      .command("sub")
      .description("print messages on SUBJECT (wildcards allowed) with their identity and headers")
      .argument("<subject>", "NATS subject or wildcard, e.g. orders.> or agent.*.heartbeat"),
  )
    .option("--queue <group>", "join a queue group (share the messages with other members)")
    .option("--count <n>", "exit after N messages")
    .option("--json", "one JSON object per message: {subject, headers, data}")
    .action(async (subject: string, opts: SubOptions) => {
      const count = opts.count === undefined ? undefined : parsePositive("--count", opts.count);
      const client = await connectOrExit(await toolTarget(opts, "junction sub"));
      const sub = client.nc.subscribe(subject, {
        ...(opts.queue === undefined ? {} : { queue: opts.queue }),
        ...(count === undefined ? {} : { max: count }),
      });
      const stop = () => sub.unsubscribe();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        await client.nc.flush();
        // On stderr so that stdout stays pure messages; scripts wait for it before publishing.
        process.stderr.write(`listening on ${subject}\n`);
        let n = 0;
        for await (const msg of sub) {
          const received = receivedMessage(msg, rawCodec());
          n++;
          process.stdout.write(opts.json ? `${JSON.stringify(asJson(received))}\n` : readable(received, n));
        }
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        await client.drain();
      }
    });
}

type Message = ReceivedMessage<Uint8Array>;

function asJson(msg: Message): { subject: string; headers: Readonly<Record<string, string>>; data: unknown } {
  return { subject: msg.subject, headers: msg.headers, data: dataOf(msg.data) };
}

function readable(msg: Message, n: number): string {
  const { headers } = msg;
  // Identity only when the message carries one: a bare NATS message has no id to show.
  const identity = msg.header(Headers.MsgId) === undefined ? undefined : msg.identity;
  const lines = [`#${n} ${msg.subject}${msg.raw.reply ? ` (reply to ${msg.raw.reply})` : ""}`];
  if (identity !== undefined) {
    lines.push(
      `  id: ${identity.id}  correlation: ${identity.correlationId}  causation: ${identity.causationId ?? "-"}`,
    );
  }
  for (const [name, value] of Object.entries(headers)) lines.push(`  ${name}: ${value}`);
  const data = dataOf(msg.data);
  lines.push(`  ${typeof data === "string" ? data : JSON.stringify(data)}`, "");
  return `${lines.join("\n")}\n`;
}
