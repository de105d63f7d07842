import assert from "node:assert/strict";
import { test } from "node:test";
import { startTestCluster } from "./cluster.ts";
import { getMonitoring, type Jsz, type Routez } from "./monitoring.ts";
import { readServerInfo } from "./server-info.ts";

test("a 3-node cluster forms, survives a stopped node and takes it back", async (t) => {
  const cluster = await startTestCluster();
  t.after(() => cluster.dispose());
  assert.equal(cluster.urls.length, 3);
  assert.equal(new Set(cluster.urls).size, 3);

  for (const node of cluster.nodes) {
    const info = await readServerInfo(node.url);
    assert.equal(info.jetstream, true);
    assert.equal(info.server_name, node.name);
    assert.equal((await getMonitoring<Routez>(node.httpUrl, "/routez"))?.num_routes, 2);
    const meta = (await getMonitoring<Jsz>(node.httpUrl, "/jsz"))?.meta_cluster;
    assert.equal(meta?.cluster_size, 3);
    assert.ok(meta?.leader);
  }

  await cluster.stopNode(1);
  assert.deepEqual(
    cluster.nodes.map((n) => n.running),
    [true, false, true],
  );
  await assert.rejects(readServerInfo(cluster.urls[1] as string));
  await cluster.waitForCluster(); // the two left re-route to each other and keep a quorum
  for (const i of [0, 2]) assert.equal((await readServerInfo(cluster.urls[i] as string)).jetstream, true);

  await cluster.restartNode(1);
  assert.ok(cluster.nodes.every((n) => n.running));
  const info = await readServerInfo(cluster.urls[1] as string);
  assert.equal(info.server_name, "n1");
  assert.equal((await getMonitoring<Routez>(cluster.nodes[1]?.httpUrl as string, "/routez"))?.num_routes, 2);
});
