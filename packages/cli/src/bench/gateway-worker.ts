// One HTTP server of `junction bench gateway`, in a process of its own so the load generator does not
// share its event loop: `junction` (Junction's gateway, as `junction up` runs it) or `baseline` (a bare
// node:http server doing the same NATS request with raw nats.js). Usage: gateway-worker SIDE NATS_URL.
// Sends its echo URL over IPC once it listens, answers "cpu" with its CPU time used so far (µs), and
// exits when the parent disconnects.
import { createServer } from "node:http";
import { createGateway } from "@junction/gateway";
import { connect } from "@junction/sdk";
import { connect as connectRaw } from "@nats-io/transport-node";
import { createLogger } from "../logger.ts";
import { ECHO_SUBJECT } from "./gateway.ts";

const [side, natsUrl] = process.argv.slice(2);
if (natsUrl === undefined || (side !== "junction" && side !== "baseline")) {
  throw new Error("usage: gateway-worker junction|baseline NATS_URL");
}

let stop: () => Promise<void>;
let url: string;
if (side === "junction") {
  const client = await connect({ servers: natsUrl, name: "bench gateway" });
  const gateway = createGateway(
    { listen: "127.0.0.1:0", routes: [{ method: "POST", path: "/echo", request: ECHO_SUBJECT }] },
    { client, logger: createLogger("junction", "warn") },
  );
  url = `${await gateway.start()}/echo`;
  stop = async () => {
    await gateway.stop();
    await client.drain();
  };
} else {
  const nc = await connectRaw({ servers: natsUrl, name: "bench baseline" });
  // What a careful engineer writes without a framework: read the body, request, answer or fail.
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      nc.request(ECHO_SUBJECT, Buffer.concat(chunks), { timeout: 5000 }).then(
        (msg) => res.writeHead(200, { "content-type": "application/json" }).end(msg.data),
        () => res.writeHead(503).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/echo`;
  stop = async () => {
    server.close();
    server.closeAllConnections();
    await nc.drain();
  };
}

process.send?.({ url });
process.on("message", (m: unknown) => {
  if (m !== "cpu") return;
  const { user, system } = process.cpuUsage();
  process.send?.({ cpu: user + system });
});
process.on("disconnect", () => {
  void stop().finally(() => process.exit(0));
});
