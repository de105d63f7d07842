import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Registry } from "prom-client";
import { type OpsServer, startOpsServer } from "../server.ts";
import { createConsole } from "./handler.ts";

// What the console refuses before it touches NATS or AWS: those dependencies are never reached here.
const unreached = {} as never;

describe("console actions", () => {
  const servers: OpsServer[] = [];
  const start = async (listen: string) => {
    const server = await startOpsServer({
      listen: "127.0.0.1:0",
      registry: new Registry(),
      ready: () => true,
      console: createConsole({
        loaded: unreached,
        client: unreached,
        registry: new Registry(),
        status: async () => ({}),
        senderFor: unreached,
        listen,
      }),
    });
    servers.push(server);
    return server.url;
  };
  let exposed: string;
  let local: string;
  before(async () => {
    exposed = await start("0.0.0.0:9464");
    local = await start("127.0.0.1:9464");
  });
  after(() => Promise.all(servers.map((s) => s.close())));

  it("refuses a redrive when the ops listener is not on loopback", async () => {
    const res = await fetch(`${exposed}/console/redrive?seq=1`, {
      method: "POST",
      headers: { "x-junction-action": "redrive" },
    });
    assert.equal(res.status, 403);
    assert.match(((await res.json()) as { reason: string }).reason, /loopback/);
  });

  it("refuses a redrive without its action header (a cross-site form cannot send one) or by GET", async () => {
    const post = await fetch(`${local}/console/redrive?seq=1`, { method: "POST" });
    assert.equal(post.status, 400);
    assert.match(((await post.json()) as { reason: string }).reason, /x-junction-action/);
    assert.equal((await fetch(`${local}/console/redrive?seq=1`)).status, 405);
  });

  it("serves the page and uPlot itself, and leaves other paths to the ops server", async () => {
    assert.match(await (await fetch(`${local}/`)).text(), /<title>Junction console<\/title>/);
    const uplot = await fetch(`${local}/console/uplot.js`);
    assert.equal(uplot.headers.get("content-type"), "text/javascript");
    assert.match(await uplot.text(), /uPlot/);
    assert.equal((await fetch(`${local}/healthz`)).status, 200);
  });
});
