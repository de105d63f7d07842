import assert from "node:assert/strict";
import { test } from "node:test";
import { renderNatsConfig } from "./config.ts";

test("renders loopback listeners, random ports as -1, JetStream and cluster blocks", () => {
  const conf = renderNatsConfig(
    {
      port: 0,
      httpPort: 8222,
      storeDir: "/tmp/a b/store",
      serverName: "n1",
      logFile: "/tmp/n.log",
      cluster: { name: "c", port: 6222, routes: ["nats://127.0.0.1:6222", "nats://127.0.0.1:6223"] },
    },
    "/tmp/a b",
  );
  assert.equal(
    conf,
    [
      'server_name: "n1"',
      "listen: 127.0.0.1:-1",
      "http: 127.0.0.1:8222",
      'ports_file_dir: "/tmp/a b"',
      'log_file: "/tmp/n.log"',
      "jetstream {",
      '  store_dir: "/tmp/a b/store"',
      "}",
      "cluster {",
      '  name: "c"',
      "  listen: 127.0.0.1:6222",
      '  routes: ["nats://127.0.0.1:6222", "nats://127.0.0.1:6223"]',
      "}",
      "",
    ].join("\n"),
  );
});

test("jetstream: false leaves the JetStream block out", () => {
  assert.doesNotMatch(renderNatsConfig({ jetstream: false, storeDir: "/s" }, "/d"), /jetstream/);
});
