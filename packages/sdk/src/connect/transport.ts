import {
  hasWsProtocol,
  type NatsConnection,
  NatsConnectionImpl,
  type NodeConnectionOptions,
  setTransportFactory,
} from "@nats-io/transport-node";
// Not in the package's public surface, but the class its own `connect` plugs in (the package has no
// exports map, so this path is stable within the major version we pin).
import { NodeTransport, nodeResolveHost } from "@nats-io/transport-node/lib/node_transport.js";
import { ConnectOptionsError } from "./errors.ts";

/**
 * nats.js hands each flush to the socket as a write of its own, one per microtask turn. A gateway or a
 * bridge under load publishes from many separate I/O callbacks, so most of its NATS CPU went to write
 * syscalls (a profile of the gateway: a third of its CPU in `writeBuffer`). Corking the socket until
 * the end of the event-loop turn (`setImmediate`, which also keeps the loop from blocking in poll)
 * sends everything written in that turn as one writev; order is kept, as it is one socket.
 */
class CoalescingTransport extends NodeTransport {
  #corked = false;

  override send(frame: Uint8Array): void {
    const socket = this.socket;
    if (socket !== undefined && !this.#corked) {
      this.#corked = true;
      socket.cork();
      setImmediate(() => {
        this.#corked = false;
        socket.uncork();
      });
    }
    super.send(frame);
  }
}

/**
 * `connect` of `@nats-io/transport-node`, with writes coalesced per event-loop turn. The factory is
 * process-wide in nats.js (it is read at every connect and reconnect), as the package's own is.
 */
export function connectNats(options: NodeConnectionOptions): Promise<NatsConnection> {
  if (hasWsProtocol(options)) {
    return Promise.reject(
      new ConnectOptionsError("servers", "websocket URLs are not supported; use nats:// or tls://"),
    );
  }
  setTransportFactory({ factory: () => new CoalescingTransport(), dnsResolveFn: nodeResolveHost });
  return NatsConnectionImpl.connect(options);
}
