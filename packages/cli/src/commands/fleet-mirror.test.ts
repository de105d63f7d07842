// The KV mirror with three `junction run` processes: one elected writer at a time; kill -9 of the
// writer hands over to another after the lease; the table ends at every key's latest revision.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { waitFor } from "@junction/testkit";
import { type RunStack, startRunStack } from "./testdata/run-stack.ts";

/** 1 when this process says it is the CARTS mirror's writer. */
const writerIn = (text: string): number =>
  text.split("\n").some((l) => l.startsWith('junction_kv_mirror_owned{bucket="CARTS"') && l.endsWith(" 1"))
    ? 1
    : 0;

describe("the KV mirror with three bridge processes", { timeout: 180_000 }, () => {
  let stack: RunStack;

  before(async () => {
    stack = await startRunStack(`fleet: { leaseMs: 2000 }
kv:
  - { bucket: CARTS, table: fleet-carts }
`);
  });
  after(() => stack?.dispose());

  it("one writer at a time, hand-over after kill -9, every key at its latest revision", async (t) => {
    const runs = await Promise.all([stack.startRun(), stack.startRun(), stack.startRun()]);
    const writers = async (rs: readonly (typeof runs)[number][]) =>
      Promise.all(rs.map(async (r) => writerIn(await r.metrics().catch(() => ""))));
    await waitFor("one writer elected", async () => {
      const w = await writers(runs);
      return w.reduce((a, b) => a + b, 0) === 1 || `${w}`;
    });

    // Writers seen at once, sampled while the keys change and the owner dies.
    let most = 0;
    let sampling = true;
    let alive = [...runs];
    const sampler = (async () => {
      while (sampling) {
        most = Math.max(
          most,
          (await writers(alive)).reduce((a, b) => a + b, 0),
        );
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const carts = await stack.client.kv<{ n: number }>("CARTS");
    const latest = new Map<string, number>();
    const writing = (async () => {
      for (let n = 0; n < 1500; n++) {
        const key = `cart-${n % 40}`;
        latest.set(key, await carts.put(key, { n }));
        if (n % 50 === 49) await new Promise((r) => setTimeout(r, 50));
      }
    })();

    await new Promise((r) => setTimeout(r, 1500));
    const owner = runs[(await writers(runs)).indexOf(1)];
    assert.ok(owner !== undefined, "a writer before the kill");
    alive = runs.filter((r) => r !== owner);
    await owner.run.kill("SIGKILL");
    const killedAt = performance.now();
    await waitFor(
      "another writer",
      async () => (await writers(alive)).reduce((a, b) => a + b, 0) === 1 || "none yet",
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const handOverMs = Math.round(performance.now() - killedAt);
    await writing;

    const dynamodb = new DynamoDBClient({
      endpoint: stack.aws.url,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    t.after(() => dynamodb.destroy());
    await waitFor(
      "every key at its latest revision",
      async () => {
        const { Items = [] } = await dynamodb.send(
          new ScanCommand({ TableName: "fleet-carts", ConsistentRead: true }),
        );
        const behind = [...latest].filter(
          ([key, rev]) => !Items.some((i) => i.key?.S === key && i.revision?.N === String(rev)),
        );
        return behind.length === 0 || `${behind.length} keys behind`;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    sampling = false;
    await sampler;
    t.diagnostic(`kill -9 of the writer to another writer: ${handOverMs} ms`);
    assert.equal(most, 1, "never two writers at once");
    for (const r of alive) await r.run.kill("SIGTERM");
  });
});
