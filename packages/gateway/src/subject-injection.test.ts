// Path parameters and headers carrying subject syntax (`.`, `*`, `>`), whitespace or CR/LF, sent as raw
// HTTP so no client library cleans them first: none of it may reach a NATS subject. Every subject the
// server sees is recorded by a `>` subscription.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { type Harness, startHarness } from "./testdata/harness.ts";

/** Sends one raw request and resolves with the answer's status (0 when the server closed without one). */
function raw(port: number, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let response = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${JSON.stringify(request)}`));
    }, 10_000);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      response += chunk;
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0));
    });
    socket.write(request);
  });
}

describe("gateway: nothing from a path or a header becomes part of a subject", () => {
  let h: Harness;
  let port: number;
  const subjects: string[] = [];

  before(async () => {
    h = await startHarness({
      headers: { request: ["X-Tenant"] },
      routes: [
        { method: "POST", path: "/echo/:id", request: "echo.{id}.run" },
        { method: "POST", path: "/note/:id", publish: "note.{id}" },
      ],
    });
    port = Number(new URL(h.url).port);
    h.service.nc.subscribe(">", {
      callback: (_err, msg) => {
        if (!msg.subject.startsWith("_INBOX.") && !msg.subject.startsWith("$")) subjects.push(msg.subject);
      },
    });
    await h.service.serve("echo.{id}.run", (ctx) => ({ id: ctx.captures.id }));
    await h.service.nc.flush();
  });
  after(() => h?.dispose());

  const post = (target: string, headers = "") =>
    raw(
      port,
      `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${headers}Content-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );

  it("refuses parameters that are not one subject token with 400", async () => {
    const bad = [
      "a.b",
      "a%2Eb",
      "%2E",
      "*",
      "%2A",
      "%3E",
      "a%3Eb",
      "a%0D%0Ab",
      "a%0Ab",
      "a%0D%0APUB%20evil%202",
      "a%20b",
      "a%09b",
      "%00",
    ];
    for (const route of ["echo", "note"]) {
      for (const param of bad) {
        const status = await post(`/${route}/${param}`);
        assert.equal(status, 400, `/${route}/${param}`);
      }
    }
  });

  it("headers with subject syntax or CR/LF change no subject", async () => {
    const headers = [
      "X-Correlation-Id: a.b.*.>\r\n",
      "X-Tenant: evil.>\r\n",
      "Idempotency-Key: k.*.>\r\n",
      "traceparent: 00-*.>-x-01\r\n",
      "X-Tenant: a\r\nPUB evil 2\r\n",
      "X-Tenant: a\rPUB evil.two 2\r\n",
    ];
    for (const header of headers) {
      const status = await post("/echo/ok", header);
      assert.ok(status === 200 || status === 400, `${JSON.stringify(header)}: ${status}`);
      await post("/note/ok", header);
    }
    await h.service.nc.flush();
    await h.client.nc.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(subjects.length > 0, "requests reached NATS");
    assert.deepEqual(
      [...new Set(subjects)].sort(),
      ["echo.ok.run", "note.ok"],
      "only the routes' subjects with the literal parameter",
    );
  });
});
