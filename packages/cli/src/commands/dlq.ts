import {
  awsEndpoint,
  createAwsClients,
  createSender,
  getDeadLetter,
  listDeadLetters,
  redriveDeadLetters,
} from "@junction/bridge";
import { originText, type StoredDeadLetter } from "@junction/sdk/jetstream";
import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { progressBar } from "../format/progress.ts";
import { readStackEndpoints } from "../stack-endpoints.ts";
import { parsePositive } from "./args.ts";
import { loadConfigOrExit } from "./config-file.ts";
import { configTarget, connectOrExit } from "./nats-connection.ts";

interface DlqOptions {
  config: string;
  route?: string;
  worker?: string;
  limit?: string;
  json?: boolean;
}

export function registerDlq(program: Command): void {
  const dlq = program
    .command("dlq")
    .description("inspect and re-drive dead letters of bridge routes and SDK workers (stream JUNCTION_DLQ)");
  const common = (c: Command) => c.option("-c, --config <file>", "config file", "junction.yaml");

  common(dlq.command("list"))
    .description(
      "one line per dead letter: id, time, origin (route and target, or worker), reason, error, subject",
    )
    .option("--route <name>", "only this route's")
    .option("--worker <durable>", "only this SDK worker's")
    .option("--limit <n>", "at most N")
    .option("--json", "one JSON object per dead letter")
    .action(async (opts: DlqOptions) =>
      withClient(opts, async (client) => {
        const letters = await listDeadLetters(client, filter(opts));
        for (const l of letters) {
          process.stdout.write(opts.json ? `${JSON.stringify(summary(l))}\n` : line(l));
        }
        if (!opts.json) process.stdout.write(`${letters.length} dead letter(s)\n`);
      }),
    );

  common(dlq.command("show"))
    .description("one dead letter in full (JSON)")
    .argument("<id>", "its id (the sequence in JUNCTION_DLQ, as `list` prints it)")
    .action(async (id: string, opts: DlqOptions) =>
      withClient(opts, async (client) => {
        const letter = await getDeadLetter(client, parsePositive("id", id));
        if (letter === undefined) throw new CliExit(ExitCode.Failure, `no dead letter ${id}`);
        process.stdout.write(
          `${JSON.stringify({ ...summary(letter), headers: letter.headers, data: text(letter.data) }, null, 2)}\n`,
        );
      }),
    );

  common(dlq.command("redrive"))
    .description(
      "deliver dead letters again (a route's to the target that failed, with the current config; a worker's back into its stream); delivered ones are removed",
    )
    .option("--route <name>", "only this route's")
    .option("--worker <durable>", "only this SDK worker's")
    .option("--limit <n>", "at most N")
    .action(async (opts: DlqOptions) =>
      withClient(opts, async (client, loaded) => {
        const letters = await listDeadLetters(client, filter(opts));
        const aws = createAwsClients(awsEndpoint(loaded.config, readStackEndpoints().aws));
        const senders = new Map<string, ReturnType<typeof createSender>>();
        const bar = progressBar(process.stdout, letters.length, "redrive");
        let failed = 0;
        try {
          const results = await redriveDeadLetters(letters, {
            client,
            loaded,
            senderFor: (service) => {
              const sender = senders.get(service) ?? createSender(service, aws);
              senders.set(service, sender);
              return sender;
            },
            onResult: (result, done) => {
              if (!result.ok) failed++;
              bar.update(done, failed);
            },
          });
          bar.finish(results.length, failed);
          for (const r of results)
            if (!r.ok) process.stdout.write(`  kept ${r.letter.dlqSeq}: ${r.reason}\n`);
        } finally {
          aws.destroy();
        }
        if (failed > 0)
          throw new CliExit(ExitCode.Failure, `${failed} dead letter(s) could not be delivered`);
      }),
    );
}

async function withClient(
  opts: DlqOptions,
  fn: (
    client: Awaited<ReturnType<typeof connectOrExit>>,
    loaded: Awaited<ReturnType<typeof loadConfigOrExit>>,
  ) => Promise<void>,
): Promise<void> {
  const loaded = await loadConfigOrExit(opts.config);
  const client = await connectOrExit(configTarget(loaded, "junction dlq"));
  try {
    await fn(client, loaded);
  } finally {
    await client.drain();
  }
}

function filter(opts: DlqOptions) {
  return {
    ...(opts.route === undefined ? {} : { route: opts.route }),
    ...(opts.worker === undefined ? {} : { worker: opts.worker }),
    ...(opts.limit === undefined ? {} : { limit: parsePositive("--limit", opts.limit) }),
  };
}

function summary(l: StoredDeadLetter) {
  return {
    id: l.dlqSeq,
    time: l.time.toISOString(),
    ...l.origin,
    reason: l.reason,
    error: l.error,
    attempts: l.attempts,
    subject: l.subject,
    messageId: l.messageId,
    ...(l.stream === undefined ? {} : { stream: l.stream, seq: l.seq }),
  };
}

function line(l: StoredDeadLetter): string {
  return `${String(l.dlqSeq).padStart(6)}  ${l.time.toISOString()}  ${originText(l.origin)}  ${l.reason}  ${l.error.code}: ${l.error.message}  ${l.subject}\n`;
}

function text(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}
