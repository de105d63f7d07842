// A process that owns a nats-server and prints its pid, for the test that kills this owner outright.
import { startNatsServer } from "../start.ts";

const server = await startNatsServer({ jetstream: false, configDir: process.argv[2] as string });
process.stdout.write(`${server.pid} ${server.port}\n`);
setInterval(() => {}, 60_000);
