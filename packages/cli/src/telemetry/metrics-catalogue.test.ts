// One /metrics per process: a real `junction up` serves the bridge's, inbound's, KV mirror's, gateway's
// and SDK's series on its ops listener; docs/metrics.md lists exactly those, and deploy/ queries no other.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type JunctionUp, startJunctionUp } from "@junction/testkit";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const CONFIG = `nats: { servers: local }
aws: { endpoint: local }
local: { natsPort: 0, awsPort: 0 }
ops: { listen: "127.0.0.1:0" }
streams:
  - { name: ORDERS, subjects: ["orders.>", "results.>"], maxAge: 1h }
routes:
  - name: orders
    from: { subject: "orders.{id}.placed", stream: ORDERS }
    to: [{ type: sqs, queue: orders-out }]
inbound:
  - { name: results, from: { type: sqs, queue: results-in }, to: results.in }
kv:
  - { bucket: CARTS, table: carts }
gateway:
  listen: 127.0.0.1:0
  routes:
    - { method: POST, path: "/v1/orders/:id", publish: "orders.{id}.placed" }
`;

/** `name → type` from the `# TYPE` lines of a Prometheus text exposition. */
function served(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (junction_\w+) (\w+)$/gm)) types.set(m[1] as string, m[2] as string);
  return types;
}

/** `name → type` from the table of docs/metrics.md. */
function documented(): Map<string, string> {
  const text = readFileSync(join(repo, "docs", "metrics.md"), "utf8");
  const rows = new Map<string, string>();
  for (const m of text.matchAll(/^\| `(junction_\w+)` \| (\w+) \|/gm)) {
    assert.ok(!rows.has(m[1] as string), `${m[1]} is listed twice in docs/metrics.md`);
    rows.set(m[1] as string, m[2] as string);
  }
  return rows;
}

/** Every `junction_` series named in the files under deploy/, with the file naming it. */
function queried(): { name: string; file: string }[] {
  const found: { name: string; file: string }[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(json|ya?ml)$/.test(entry.name)) {
        for (const m of readFileSync(path, "utf8").matchAll(/\bjunction_\w+/g)) {
          found.push({ name: m[0], file: path.slice(repo.length + 1) });
        }
      }
    }
  };
  walk(join(repo, "deploy"));
  return found;
}

describe("one /metrics per process", () => {
  let up: JunctionUp;
  let metrics: Map<string, string>;

  before(async () => {
    up = await startJunctionUp(CONFIG);
    metrics = served(await (await fetch(`${up.endpoints.ops}/metrics`)).text());
  });
  after(async () => {
    await up?.stop();
  });

  it("serves the bridge, inbound, KV mirror, gateway, SDK and process series on the ops listener", () => {
    for (const name of [
      "junction_bridge_delivered_total",
      "junction_inbound_received_total",
      "junction_kv_mirror_lag_revisions",
      "junction_gateway_requests_total",
      "junction_requests_total",
    ]) {
      assert.ok(metrics.has(name), `${name} is not on the ops listener's /metrics`);
    }
  });

  it("docs/metrics.md lists exactly the junction_ series served, with their types", () => {
    assert.deepEqual(
      [...documented()].sort(([a], [b]) => a.localeCompare(b)),
      [...metrics].sort(([a], [b]) => a.localeCompare(b)),
    );
  });

  it("every series the dashboard and the alert rules query is served", () => {
    const names = queried();
    assert.ok(names.length > 10, "deploy/ names fewer series than expected");
    for (const { name, file } of names) {
      // A histogram is queried through its _bucket, _sum and _count series.
      const base = name.replace(/_(bucket|sum|count)$/, "");
      const ok = metrics.has(name) || metrics.get(base) === "histogram";
      assert.ok(ok, `${file} queries ${name}, which /metrics does not serve`);
    }
  });
});
