// One HTTP server of `junction bench gateway`, in a process of its own so the load generator does not
// share its event loop: `junction` (Junction's gateway, as `junction up` runs it) or `baseline` (a bare
// node:http server doing the same NATS request with raw nats.js). It serves from setup on; the parent
// gets its echo URL and reads its CPU time.
import { createServer } from "node:http";
import { createGateway } from "@junction/gateway";
import { connect } from "@junction/sdk";
import { connect as connectRaw } from "@nats-io/transport-node";
import { createLogger } from "junction/bench-support";
import { serveWorker } from "./worker-process.ts";

export interface GatewayWorkerSetup {
  readonly side: "junction" | "baseline";
  readonly natsUrl: string;
  /** The subject the parent's echo responder answers. */
  readonly subject: string;
}

serveWorker<GatewayWorkerSetup>(async ({ side, natsUrl, subject }) => {
  if (side === "junction") {
    const client = await connect({ servers: natsUrl, name: "bench gateway" });
    const gateway = createGateway(
      { listen: "127.0.0.1:0", routes: [{ method: "POST", path: "/echo", request: subject }] },
      { client, logger: createLogger("junction", "warn") },
    );
    return { info: `${await gateway.start()}/echo` };
  }
  const nc = await connectRaw({ servers: natsUrl, name: "bench baseline" });
  // What a careful engineer writes without a framework: read the body, request, answer or fail.
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      nc.request(subject, Buffer.concat(chunks), { timeout: 5000 }).then(
        (msg) => res.writeHead(200, { "content-type": "application/json" }).end(msg.data),
        () => res.writeHead(503).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { info: `http://127.0.0.1:${(server.address() as { port: number }).port}/echo` };
});
