import type { JunctionClient } from "@junction/sdk";
import type { Logger } from "@junction/sdk/telemetry";
import type { BridgeMetrics } from "./metrics.ts";

/**
 * Logs and counts the connection's disconnects and reconnects (ordered routes also stop serving
 * while disconnected: the partition group fences itself). Ends when the connection closes.
 */
export function watchConnection(client: JunctionClient, logger: Logger, metrics: BridgeMetrics): void {
  void (async () => {
    for await (const s of client.status()) {
      if (s.type === "disconnect") {
        metrics.connection.inc({ event: "disconnect" });
        logger.warn({ server: s.server }, "NATS disconnected; reconnecting");
      } else if (s.type === "reconnect") {
        metrics.connection.inc({ event: "reconnect" });
        logger.info({ server: s.server }, "NATS reconnected");
      }
    }
  })().catch(() => {});
}
