import { type JunctionClient, matchPattern, parsePattern } from "@junction/sdk";
import { type Logger, metricSeries } from "@junction/sdk/telemetry";
import type { Registry } from "prom-client";
import type { LoadedConfig } from "../config/load.ts";
import type { JetStreamClient } from "../runtime/nats-types.ts";

type OrderedOptions = NonNullable<Exclude<Parameters<JetStreamClient["consumers"]["get"]>[1], string>>;
type DeliverPolicy = NonNullable<OrderedOptions["deliver_policy"]>;

export interface UnroutedWatch {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Counts what a stream stores that no route takes (`junction_bridge_unrouted_total{stream}`) and warns
 * once per subject pattern of the stream: such a message is kept by the stream but delivered nowhere,
 * which is almost always a typo in a route or a publisher. Watches every stream a route consumes with
 * an ordered consumer that gets new messages' subjects and headers only (no payloads).
 */
export function createUnroutedWatch(
  loaded: LoadedConfig,
  deps: { readonly client: JunctionClient; readonly registry: Registry; readonly logger: Logger },
): UnroutedWatch {
  const name = "junction_bridge_unrouted_total";
  const unrouted = metricSeries(deps.registry).counter(
    name,
    "Messages stored in a stream that no route matches",
    ["stream"],
  );
  const logger = deps.logger.child({ component: "unrouted" });
  const routed = new Set(loaded.routes.routes.flatMap((r) => (r.stream === undefined ? [] : [r.stream])));
  const streams = loaded.config.streams.filter((s) => routed.has(s.name));
  const warned = new Set<string>();
  const closers: (() => Promise<void>)[] = [];
  const loops: Promise<void>[] = [];

  return {
    async start() {
      for (const stream of streams) {
        const patterns = stream.subjects.map((s) => ({ text: s, compiled: parsePattern(s) }));
        const options: Partial<OrderedOptions> = {
          deliver_policy: "new" as DeliverPolicy,
          headers_only: true,
        };
        const consumer = await deps.client.jetstream().js.consumers.get(stream.name, options);
        const messages = await consumer.consume();
        closers.push(async () => {
          await messages.close().catch(() => undefined);
        });
        loops.push(
          (async () => {
            for await (const m of messages) {
              if (loaded.routes.router.lookup(m.subject) !== undefined) continue;
              unrouted.inc({ stream: stream.name });
              const pattern = patterns.find((p) => matchPattern(p.compiled, m.subject))?.text ?? m.subject;
              if (warned.has(`${stream.name} ${pattern}`)) continue;
              warned.add(`${stream.name} ${pattern}`);
              logger.warn(
                { stream: stream.name, pattern, subject: m.subject },
                `a message on ${m.subject} is stored in stream ${stream.name} but no route takes it (told once per subject pattern of the stream; counted in ${name})`,
              );
            }
          })().catch((err: unknown) => logger.warn({ stream: stream.name, err }, "unrouted watch stopped")),
        );
      }
    },
    async stop() {
      await Promise.all(closers.map((close) => close()));
      await Promise.all(loops);
    },
  };
}
