import { existsSync } from "node:fs";
import { type JunctionClient, NoStreamError } from "@junction/sdk";
import { type CausationNode, DEFAULT_FLOW_SCAN_LIMIT, type Flow, readFlow } from "@junction/sdk/replay";
import type { Command } from "commander";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { parsePositive } from "./args.ts";
import { loadConfigOrExit } from "./config-file.ts";
import { connectOrExit, type NatsToolOptions, toolTarget, withServerOption } from "./nats-connection.ts";

interface TraceOptions extends NatsToolOptions {
  stream: string[];
  since?: string;
  max?: string;
  json?: boolean;
}

export function registerTrace(program: Command): void {
  withServerOption(
    program
      .command("trace")
      .description(
        "print the causation tree of one flow (every message carrying CORRELATION_ID) from JetStream",
      )
      .argument("<correlationId>", "the flow's correlation id (its root message's id)"),
  )
    .option(
      "--stream <name>",
      "a stream to read; repeatable (default: the config's streams, else every stream but KV buckets)",
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option(
      "--since <time>",
      "skip messages stored before this ISO-8601 time (a flow is no older than its root)",
    )
    .option("--max <n>", `read at most N messages per stream (default ${DEFAULT_FLOW_SCAN_LIMIT})`)
    .option("--json", "one JSON object: the flow and its tree")
    .action(async (correlationId: string, opts: TraceOptions) => {
      const max = opts.max === undefined ? undefined : parsePositive("--max", opts.max);
      const since = opts.since === undefined ? undefined : new Date(opts.since);
      if (since !== undefined && Number.isNaN(since.getTime())) {
        throw new CliExit(ExitCode.Invalid, `--since ${opts.since}: use an ISO-8601 time`);
      }
      const client = await connectOrExit(await toolTarget(opts, "junction trace"));
      try {
        const streams = await streamsToRead(client, opts);
        const flow = await readFlow(client, streams, correlationId, {
          withData: false,
          ...(max === undefined ? {} : { maxMessages: max }),
          ...(since === undefined ? {} : { startTime: since }),
        }).catch((err: unknown) => {
          if (err instanceof NoStreamError) throw new CliExit(ExitCode.Failure, `no stream ${err.target}`);
          throw err;
        });
        if (flow.messages.length === 0) {
          throw new CliExit(
            ExitCode.Failure,
            `no message with correlation id ${correlationId} in ${streams.join(", ")} (${flow.scanned} read)`,
          );
        }
        if (flow.truncated) {
          process.stderr.write(
            `junction: a stream holds more than ${max ?? DEFAULT_FLOW_SCAN_LIMIT} messages to read: the flow may be incomplete (raise --max, or narrow with --since)\n`,
          );
        }
        process.stdout.write(
          opts.json ? `${JSON.stringify(asJson(flow, streams))}\n` : render(flow, streams),
        );
      } finally {
        await client.drain();
      }
    });
}

/** `--stream`s, else the config's streams, else every stream on the server that is not a KV or object store. */
async function streamsToRead(client: JunctionClient, opts: TraceOptions): Promise<string[]> {
  if (opts.stream.length > 0) return opts.stream;
  const file = opts.config ?? (existsSync("junction.yaml") ? "junction.yaml" : undefined);
  if (file !== undefined) {
    const names = (await loadConfigOrExit(file)).config.streams.map((s) => s.name);
    if (names.length > 0) return names;
  }
  const names: string[] = [];
  for await (const name of (await client.jetstream().manager()).streams.names()) {
    if (!name.startsWith("KV_") && !name.startsWith("OBJ_")) names.push(name);
  }
  if (names.length === 0) throw new CliExit(ExitCode.Failure, "the server has no streams to read");
  return names.sort();
}

function describe(node: CausationNode): string {
  const m = node.message;
  const orphan = node.orphan ? `  (caused by ${m.identity.causationId}, not in the streams read)` : "";
  return `${m.subject}  ${m.kind ?? "-"}  ${m.time.toISOString()}  ${m.identity.id}  [${m.stream} #${m.seq}]${orphan}`;
}

/** The tree with box-drawing branches: a root per line at the left, its descendants under it. */
function render(flow: Flow, streams: readonly string[]): string {
  const lines = [
    `flow ${flow.correlationId}: ${flow.messages.length} message(s) in ${streams.join(", ")} (${flow.scanned} read)`,
  ];
  const walk = (nodes: readonly CausationNode[], indent: string) => {
    for (const [i, node] of nodes.entries()) {
      const last = i === nodes.length - 1;
      lines.push(`${indent}${last ? "└─ " : "├─ "}${describe(node)}`);
      walk(node.children, `${indent}${last ? "   " : "│  "}`);
    }
  };
  for (const root of flow.roots) {
    lines.push(describe(root));
    walk(root.children, "");
  }
  return `${lines.join("\n")}\n`;
}

interface JsonNode {
  readonly id: string;
  readonly subject: string;
  readonly kind: string | null;
  readonly time: string;
  readonly stream: string;
  readonly seq: number;
  readonly causationId: string | null;
  readonly orphan: boolean;
  readonly children: JsonNode[];
}

function asJson(flow: Flow, streams: readonly string[]) {
  const node = (n: CausationNode): JsonNode => ({
    id: n.message.identity.id,
    subject: n.message.subject,
    kind: n.message.kind ?? null,
    time: n.message.time.toISOString(),
    stream: n.message.stream,
    seq: n.message.seq,
    causationId: n.message.identity.causationId ?? null,
    orphan: n.orphan,
    children: n.children.map(node),
  });
  return {
    correlationId: flow.correlationId,
    streams,
    scanned: flow.scanned,
    truncated: flow.truncated,
    count: flow.messages.length,
    roots: flow.roots.map(node),
  };
}
