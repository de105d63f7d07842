// Fuzzed paths, headers, bodies and encodings, written as raw HTTP/1.1 over TCP so that nothing a client
// library would refuse is left out: the gateway answers every one, with a 5xx only for an upstream
// failure, and keeps serving.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { fuzzParameters } from "@junction/testkit";
import fc from "fast-check";
import { type Harness, startHarness } from "./testdata/harness.ts";

/** Sends raw bytes and returns the answer's status (0 if the server closed without one) and head/body. */
function rawRequest(port: number, head: string, body: Buffer): Promise<{ status: number; response: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let response = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 10 s to:\n${head}`));
    }, 10_000);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      response += chunk;
    });
    socket.on("error", () => {}); // a reset after the answer is fine; the status is what counts
    socket.on("close", () => {
      clearTimeout(timer);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1];
      resolve({ status: status === undefined ? 0 : Number(status), response });
    });
    socket.write(Buffer.concat([Buffer.from(head, "latin1"), body]));
  });
}

const segment = fc.oneof(
  fc.constantFrom(
    "echo",
    "stream",
    "pub",
    "valid",
    "q",
    "secure",
    "healthz",
    "metrics",
    "..",
    ".",
    "%2e",
    "%",
    "%zz",
    "a.b",
    "*",
    ">",
    "%00",
    "%0d%0a",
    "~",
  ),
  fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => encodeURIComponent(s)),
  // Look-alike dots, invisible and white space characters, overlong and broken UTF-8.
  fc
    .tuple(
      fc.constantFrom("a", "echo", ""),
      fc.constantFrom(
        "%EF%BC%8E",
        "%E3%80%82",
        "%E2%80%A4",
        "%E2%80%8B",
        "%E2%80%8D",
        "%EF%BB%BF",
        "%E2%80%AE",
        "%C2%A0",
        "%E3%80%80",
        "%C0%AE",
        "%FF",
        "%ED%A0%80",
        "e%CC%81",
        "%F0%9F%99%82",
      ),
    )
    .map(([a, b]) => a + b),
  fc.string({ unit: fc.constantFrom(..."abc.%*>-_~!$&'()+,;=:@"), maxLength: 10 }),
);
const query = fc
  .option(fc.string({ maxLength: 20 }), { nil: undefined })
  .map((q) => (q === undefined ? "" : `?${encodeURI(q)}`));
// Half the paths have a route's shape, so the fuzzing reaches handlers, auth, schemas and NATS.
const path = fc.oneof(
  fc.tuple(fc.array(segment, { maxLength: 4 }), query).map(([parts, q]) => `/${parts.join("/")}${q}`),
  fc
    .tuple(
      fc.constantFrom("/echo/", "/stream/", "/pub/", "/valid", "/q", "/secure"),
      fc.option(segment, { nil: "" }),
      query,
    )
    .map(([base, param, q]) => `${base}${base.endsWith("/") ? param : ""}${q}`),
);
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 60,
});
const header = fc.tuple(
  fc.constantFrom(
    "content-type",
    "x-correlation-id",
    "traceparent",
    "authorization",
    "x-api-key",
    "idempotency-key",
    "x-tenant-id",
    "accept",
    "x-anything",
    "content-encoding",
    "transfer-encoding",
  ),
  fc.oneof(
    printable,
    fc.string({
      unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
      maxLength: 20,
    }),
    fc.integer({ min: 1000, max: 12_000 }).map((n) => "h".repeat(n)),
    fc.constantFrom(
      "application/json",
      "application/json; charset=utf-8",
      "application/problem+json",
      "application/x-protobuf",
      "text/plain",
      "multipart/form-data; boundary=x",
      "Bearer ",
      "Bearer a.b.c",
      "gzip",
      "chunked",
      "application/json; charset=utf-16",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "",
    ),
  ),
);
const body = fc.oneof(
  fc.constant(Buffer.alloc(0)),
  fc.json({ maxDepth: 3 }).map((j) => Buffer.from(j)),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
  fc.constantFrom(
    Buffer.from('{"name":'),
    Buffer.from('{"__proto__":{"x":1},"name":"a"}'),
    Buffer.from('{"name":"a","extra":1}'),
    Buffer.from('{"name":1}'),
    Buffer.alloc(5000, 120),
    // Encodings: invalid UTF-8, a BOM, UTF-16.
    Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":"a"}')]),
    Buffer.from('{"name":"a"}', "utf16le"),
  ),
  // Around the body limit (4096).
  fc.integer({ min: 4090, max: 4100 }).map((n) => Buffer.from(JSON.stringify("x".repeat(n - 2)))),
);
const method = fc.oneof(
  { arbitrary: fc.constant("POST"), weight: 4 },
  { arbitrary: fc.constantFrom("GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"), weight: 2 },
);

// What a 5xx may say: NATS or the service did not answer (a real upstream failure, not the gateway's).
const UPSTREAM = new Set(["ERR_TIMEOUT", "ERR_NO_RESPONDERS", "ERR_CIRCUIT_OPEN"]);

describe("gateway under fuzzed input", () => {
  let h: Harness;
  let port: number;
  before(async () => {
    h = await startHarness({
      headers: { request: ["X-Tenant-Id"] },
      limits: { bodyBytes: 4096 },
      auth: { apiKeys: { k: { sha256: createHash("sha256").update("key").digest("hex") } } },
      routes: [
        { method: "POST", path: "/echo/:id", request: "fz.echo.{id}", timeoutMs: 2000 },
        { method: "POST", path: "/stream/:id", stream: "fz.stream.{id}", timeoutMs: 2000 },
        { method: "POST", path: "/pub/:kind", publish: "fz.pub.{kind}" },
        {
          method: "POST",
          path: "/valid",
          request: "fz.echo.valid",
          schema: {
            body: {
              type: "object",
              required: ["name"],
              additionalProperties: false,
              properties: { name: { type: "string" }, n: { type: "number" } },
            },
          },
        },
        {
          method: "GET",
          path: "/q",
          request: "fz.echo.q",
          schema: { query: { type: "object", properties: { n: { type: "integer" } } } },
        },
        { method: "POST", path: "/secure", request: "fz.echo.s", auth: ["k"] },
      ],
    });
    port = Number(new URL(h.url).port);
    await h.service.serve("fz.echo.{id}", (ctx) => ctx.data ?? null);
    await h.service.serveStream("fz.stream.{id}", ({ writer, data }) => {
      writer.write({ got: data ?? null });
      writer.write("second");
    });
  });
  after(() => h?.dispose());

  it("answers every request, never with a 5xx that is not an upstream failure, and with Junction's codes", async (t) => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(method, path, fc.array(header, { maxLength: 5 }), body, async (m, p, headers, b) => {
        const lines = [`${m} ${p} HTTP/1.1`, "Host: 127.0.0.1", "Connection: close"];
        for (const [name, value] of headers) lines.push(`${name}: ${value}`);
        lines.push(`Content-Length: ${b.length}`);
        const { status, response } = await rawRequest(port, `${lines.join("\r\n")}\r\n\r\n`, b);
        seen.set(status, (seen.get(status) ?? 0) + 1);
        const request = lines.join(" | ").slice(0, 500);
        assert.ok(status >= 200 && status < 600, `${status} for ${request}`);
        // Problems carry the SDK's or the gateway's codes, never fastify's; a 5xx only says NATS failed.
        const [head = "", text = ""] = response.split("\r\n\r\n", 2);
        if (m !== "HEAD" && /content-type: application\/problem\+json/i.test(head)) {
          const { code } = JSON.parse(text) as { code: string };
          assert.match(code, /^ERR_[A-Z_]+$/, `${code} for ${request}`);
          if (status >= 500) assert.ok(UPSTREAM.has(code), `${status} ${code} for ${request}`);
        } else assert.ok(status < 500, `${status} for ${request}`);
      }),
      fuzzParameters(t, 400),
    );
    t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries([...seen].sort(([a], [b]) => a - b)))}`);
    // The run reached the services, not just the router.
    assert.ok((seen.get(200) ?? 0) > 0 && (seen.get(404) ?? 0) > 0, JSON.stringify([...seen]));
    assert.equal((await fetch(`${h.url}/healthz`)).status, 200);
    const echo = await fetch(`${h.url}/echo/final`, {
      method: "POST",
      body: '{"ok":true}',
      headers: { "content-type": "application/json" },
    });
    assert.deepEqual(await echo.json(), { ok: true });
  });
});
