// The console in a real browser (Debian's Chromium driven by playwright-core, no browser download)
// against a real `junction up` with traffic: routes render, numbers move, a dead letter appears and its
// redrive button delivers it. Writes the screenshots in docs/.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { type JunctionUp, startJunctionUp, waitFor } from "@junction/testkit";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";

const docs = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "docs");
const CONFIG = `nats: { servers: local }
aws: { endpoint: local }
local: { natsPort: 0, awsPort: 0 }
ops: { listen: "127.0.0.1:0" }
streams:
  - { name: SHOP, subjects: ["orders.>", "late.>", "results.>"], maxAge: 1h }
routes:
  - name: orders
    from: { subject: "orders.{id}.placed", stream: SHOP }
    to: [{ type: sqs, queue: orders-out }]
  - name: late
    from: { subject: "late.{id}", stream: SHOP }
    to: [{ type: sqs, queue: "late-{id}" }]
inbound:
  - { name: results, from: { type: sqs, queue: results-in }, to: results.in }
kv:
  - { bucket: CARTS, table: carts }
gateway:
  listen: 127.0.0.1:0
  routes:
    - { method: POST, path: "/v1/orders/:id", publish: "orders.{id}.placed" }
    - { method: POST, path: "/v1/late/:id", publish: "late.{id}" }
`;

const text = async (l: Locator) => (await l.textContent()) ?? "";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

type Endpoints = { aws: string; gateway: string; ops: string };

describe("the console", () => {
  let up: JunctionUp<Endpoints>;
  let endpoints: Endpoints;
  let browser: BrowserContext;
  let page: Page;
  const profile = mkdtempSync(join(tmpdir(), "junction-chromium-"));
  let traffic: ReturnType<typeof setInterval> | undefined;

  before(async () => {
    // --open without a display: says so and carries on.
    up = await startJunctionUp<Endpoints>(CONFIG, {
      args: ["--open"],
      env: { DISPLAY: "", WAYLAND_DISPLAY: "" },
      ready: /no browser to open here/,
    });
    endpoints = up.endpoints;
    assert.ok(up.output().includes(`console  ${endpoints.ops}/`));
    // Traffic for the whole test, bounded: one order every 100 ms until the test ends.
    let n = 0;
    traffic = setInterval(() => {
      void fetch(`${endpoints.gateway}/v1/orders/${n++}`, { method: "POST", body: "{}" }).catch(() => {});
    }, 100);
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    // Only the ops listener: the page must need nothing from the internet.
    const outside: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(endpoints.ops)) outside.push(r.url());
    });
    await page.goto(endpoints.ops);
    assert.deepEqual(outside, []);
  });
  after(async () => {
    if (traffic !== undefined) clearInterval(traffic);
    await browser?.close();
    await up?.stop();
    rmSync(profile, { recursive: true, force: true });
  });

  it("renders every route, queue, mirror and gateway route, and the numbers move", async () => {
    await page.locator('#routes tr[data-route="orders"]').waitFor({ timeout: 15_000 });
    await page.locator('#routes tr[data-route="late"]').waitFor();
    assert.match(await text(page.locator("#inbound")), /results-in/);
    assert.match(await text(page.locator("#kv")), /CARTS/);
    const requests = async () =>
      Number(
        (await text(page.locator("#gateway tr", { hasText: "/v1/orders/:id" }).locator("td").last())) || 0,
      );
    await waitFor("gateway requests counted", async () => (await requests()) > 0 || "none yet", {
      timeoutMs: 15_000,
      intervalMs: 250,
    });
    const first = await requests();
    await waitFor("the request count to move", async () => (await requests()) > first || "unchanged", {
      timeoutMs: 15_000,
      intervalMs: 250,
    });
    const rate = page.locator('#routes tr[data-route="orders"] td').nth(1);
    await waitFor("a delivery rate", async () => Number(await text(rate)) > 0 || "0/s", {
      timeoutMs: 20_000,
      intervalMs: 250,
    });
    assert.equal(await page.locator('#routes tr[data-route="orders"] .spark canvas').count(), 1);
  });

  it("shows a dead letter with its reason, and its redrive button delivers it", async () => {
    const res = await fetch(`${endpoints.gateway}/v1/late/x1`, { method: "POST", body: '{"late":true}' });
    assert.equal(res.status, 202);
    const row = page.locator("#dlq tr[data-seq]", { hasText: "late" });
    await row.waitFor({ timeout: 20_000 });
    assert.match(await text(row), /late-x1/);
    assert.match(await text(row), /rejected/);
    await page.screenshot({ path: join(docs, "console.png") });
    assert.ok(statSync(join(docs, "console.png")).size < 400_000, "the screenshot stays small");

    // The queue exists now: the redrive (after its confirmation) delivers the letter.
    const sqs = new SQSClient({
      endpoint: endpoints.aws,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "late-x1" }));
    const confirmations: string[] = [];
    page.once("dialog", (d) => {
      confirmations.push(d.message());
      void d.accept();
    });
    await row.locator("button.redrive").click();
    await row.waitFor({ state: "detached", timeout: 15_000 });
    assert.match(confirmations[0] ?? "", /Redrive dead letter #\d+ of route late/);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    assert.equal(got.Messages?.[0]?.Body, '{"late":true}');
    assert.equal(await text(page.locator("#error")), "");
  });

  it("is usable on a narrow screen: nothing wider than the viewport", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(500);
    const width = Number(await page.evaluate("document.documentElement.scrollWidth"));
    assert.ok(width <= 390, `page is ${width}px wide on a 390px screen`);
    await page.screenshot({ path: join(docs, "console-narrow.png") });
  });
});
