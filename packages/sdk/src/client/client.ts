import type { NatsConnection, Status } from "@nats-io/nats-core";
import { connect as natsConnect } from "@nats-io/transport-node";
import { type Codec, jsonCodec } from "../codecs/index.ts";
import { type ConnectOptions, natsOptions } from "../connect/options.ts";
import type { MessageIdentity } from "../identity/index.ts";
import { noopTelemetry, type Telemetry } from "../telemetry/index.ts";
import type { ClientContext } from "./context.ts";
import type { OutgoingOptions } from "./outgoing.ts";
import { publish } from "./publish.ts";

export interface ClientOptions extends ConnectOptions {
  /** Default payload codec (JSON). */
  readonly codec?: Codec<unknown>;
  /** Tracing and metrics; default none. See `createTelemetry()`. */
  readonly telemetry?: Telemetry;
}

/** A NATS connection that speaks Junction's wire protocol (docs/protocol.md). */
export interface JunctionClient extends AsyncDisposable {
  /** The nats.js connection underneath, for anything not wrapped here. */
  readonly nc: NatsConnection;
  /** Core publish (at most once). Returns the identity it sent. */
  publish(subject: string, data?: unknown, options?: OutgoingOptions): MessageIdentity;
  /** Connection events: disconnect, reconnect, ldm, error … */
  status(): AsyncIterable<Status>;
  /** Stops services and workers (letting in-flight work finish), then drains and closes the connection. */
  drain(): Promise<void>;
  /** Resolves when the connection is closed, with the error that closed it, if any. */
  closed(): Promise<void | Error>;
}

/** Connects to NATS: `connect("nats://127.0.0.1:4222")` or `connect({ servers, credsFile, … })`. */
export async function connect(target: string | ClientOptions = {}): Promise<JunctionClient> {
  const options: ClientOptions = typeof target === "string" ? { servers: target } : target;
  const { options: nats, onReconnected } = natsOptions(options);
  const nc = await natsConnect(nats);
  void (async () => {
    for await (const s of nc.status()) if (s.type === "reconnect") onReconnected();
  })();
  return createClient(nc, options);
}

/** Wraps an existing nats.js connection. */
export function createClient(
  nc: NatsConnection,
  options: Pick<ClientOptions, "codec" | "telemetry"> = {},
): JunctionClient {
  const ctx: ClientContext = {
    nc,
    codec: options.codec ?? jsonCodec(),
    telemetry: options.telemetry ?? noopTelemetry,
    running: new Set(),
  };
  const drain = async () => {
    await Promise.all([...ctx.running].map((r) => r.stop()));
    if (!nc.isClosed() && !nc.isDraining()) await nc.drain();
  };
  return {
    nc,
    publish: (subject, data, opts) => publish(ctx, subject, data, opts),
    status: () => nc.status(),
    drain,
    closed: () => nc.closed(),
    [Symbol.asyncDispose]: drain,
  };
}
