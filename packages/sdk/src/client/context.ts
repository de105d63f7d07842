import type { NatsConnection } from "@nats-io/nats-core";
import type { Codec } from "../codecs/index.ts";
import type { BreakerRegistry } from "../resilience/registry.ts";
import type { Telemetry } from "../telemetry/index.ts";
import type { ReplyMux } from "./reply-mux.ts";

/** Something the client must stop (and let finish) before the connection drains: a service, a worker. */
export interface Stoppable {
  stop(): Promise<void>;
}

/** State shared by everything one client does. Created by `connect()`, never global. */
export interface ClientContext {
  readonly nc: NatsConnection;
  /** Default codec for payloads (JSON unless configured). */
  readonly codec: Codec<unknown>;
  readonly telemetry: Telemetry;
  /** Services and workers to stop first on `drain()`. */
  readonly running: Set<Stoppable>;
  /** One circuit breaker per request subject. */
  readonly breakers: BreakerRegistry;
  /** Replies to this client's requests, on one inbox subscription. */
  readonly replies: ReplyMux;
}
