// Every error status the gateway answers, produced for real: a nats-server, services, HTTP over loopback.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ServiceError } from "@junction/sdk";
import { PROBLEM_BASE } from "./http/problem.ts";
import { type Harness, type Problem, post, startHarness } from "./testdata/harness.ts";

describe("gateway errors (RFC 9457)", () => {
  let h: Harness;
  let release: () => void = () => {};
  before(async () => {
    h = await startHarness({
      limits: { bodyBytes: 1024, retryAfterSeconds: 2 },
      routes: [
        { method: "POST", path: "/echo", request: "test.echo" },
        { method: "POST", path: "/nobody", request: "test.nobody" },
        { method: "POST", path: "/slow", request: "test.slow", timeoutMs: 200 },
        { method: "POST", path: "/fail/:code", request: "test.fail.{code}" },
        { method: "POST", path: "/down/:id", request: "test.down.{id}" },
        { method: "POST", path: "/one-at-a-time", request: "test.hold", maxInFlight: 1 },
        {
          method: "POST",
          path: "/players",
          request: "test.echo",
          schema: {
            body: {
              type: "object",
              required: ["name"],
              properties: { name: { type: "string", minLength: 1 }, level: { type: "integer", default: 1 } },
            },
          },
        },
      ],
    });
    await h.service.serve("test.echo", (ctx) => ctx.data);
    await h.service.serve("test.slow", () => new Promise((r) => setTimeout(r, 2_000)));
    await h.service.serve("test.fail.{code}", (ctx) => {
      throw new ServiceError(Number(ctx.captures.code), `failed with ${ctx.captures.code}`);
    });
    await h.service.serve(
      "test.hold",
      () =>
        new Promise<string>((resolve) => {
          release = () => resolve("done");
        }),
    );
  });
  after(() => h?.dispose());

  const problem = async (
    path: string,
    status: number,
    type: string,
    init?: Parameters<typeof post>[2] & { body?: unknown },
  ) => {
    const res = await post(`${h.url}${path}`, init?.body ?? { hello: "world" }, init);
    assert.equal(res.status, status, res.text);
    assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
    const body = res.json<Problem>();
    assert.equal(body.type, `${PROBLEM_BASE}${type}`);
    assert.equal(body.status, status);
    assert.equal(body.instance, path.split("?")[0]);
    assert.ok(body.correlationId.length > 0);
    assert.equal(res.headers.get("x-correlation-id"), body.correlationId);
    return { res, body };
  };

  it("passes a reply through with the caller's correlation id", async () => {
    const res = await post(
      `${h.url}/echo`,
      { hello: "world" },
      { headers: { "X-Correlation-Id": "corr-42" } },
    );
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { hello: "world" });
    assert.equal(res.headers.get("x-correlation-id"), "corr-42");
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  });

  it("no responders → 503 with Retry-After", async () => {
    const { res, body } = await problem("/nobody", 503, "no-responders");
    assert.equal(res.headers.get("retry-after"), "2");
    assert.equal(body.code, "ERR_NO_RESPONDERS");
  });

  it("no reply within the route's timeout → 504", async () => {
    const { body } = await problem("/slow", 504, "timeout");
    assert.equal(body.code, "ERR_TIMEOUT");
  });

  it("a service error code that is an HTTP status passes through", async () => {
    for (const code of [404, 409, 422, 500, 503]) {
      const { body } = await problem(`/fail/${code}`, code, "service-error");
      assert.equal(body.detail, `failed with ${code}`);
      assert.equal(body.code, "ERR_SERVICE");
    }
    const { res } = await problem("/fail/429", 429, "service-error");
    assert.equal(res.headers.get("retry-after"), "2");
  });

  it("a service error code that is not an HTTP status → 502", async () => {
    for (const code of [200, 302, 999, 1]) await problem(`/fail/${code}`, 502, "service-error");
  });

  it("an open circuit → 503 circuit-open with Retry-After", async () => {
    const seen: string[] = [];
    for (let i = 0; i < 10 && !seen.includes("circuit-open"); i++) {
      const res = await post(`${h.url}/down/d1`, {});
      assert.equal(res.status, 503);
      const type = res.json<Problem>().type.slice(PROBLEM_BASE.length);
      seen.push(type);
      if (type === "circuit-open") assert.ok(Number(res.headers.get("retry-after")) >= 1);
    }
    assert.equal(seen[0], "no-responders");
    assert.equal(seen.at(-1), "circuit-open", seen.join(", "));
  });

  it("overload → 429 with Retry-After, at once", async () => {
    const held = post(`${h.url}/one-at-a-time`, {});
    // The first request holds the route's only slot until released.
    for (let i = 0; i < 100 && h.gateway.inFlight.requests === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    const { res, body } = await problem("/one-at-a-time", 429, "overloaded");
    assert.equal(res.headers.get("retry-after"), "2");
    assert.equal(body.code, "ERR_GATEWAY_OVERLOADED");
    release();
    assert.equal((await held).status, 200);
  });

  it("bad JSON → 400", async () => {
    const { body } = await problem("/echo", 400, "bad-request", {
      body: '{"hello": ',
      contentType: "application/json",
    });
    assert.equal(body.errors?.[0]?.in, "body");
  });

  it("a body that fails the route's schema → 400 with every error", async () => {
    const { body } = await problem("/players", 400, "validation", { body: { name: "", level: "x" } });
    assert.ok((body.errors?.length ?? 0) >= 2, JSON.stringify(body.errors));
    assert.ok(body.errors?.every((e) => e.in === "body"));
    // A valid body reaches the service as it came: a schema's defaults are not filled in.
    const ok = await post(`${h.url}/players`, { name: "ada" });
    assert.deepEqual(ok.json(), { name: "ada" });
  });

  it("a body over the limit → 413", async () => {
    await problem("/echo", 413, "payload-too-large", { body: { blob: "x".repeat(4096) } });
  });

  it("a path parameter that is not one subject token → 400", async () => {
    const { body } = await problem("/fail/a.b", 400, "bad-request");
    assert.deepEqual(body.errors?.[0]?.name, "code");
    // Zero-width, full-width and ideographic dots, a fullwidth wildcard, white space, control characters.
    for (const param of ["%E2%80%8B4", "4%EF%BC%8E", "4%E3%80%82", "%EF%BC%9E", "4%C2%A0", "4%01"]) {
      const { body } = await problem(`/fail/${param}`, 400, "bad-request");
      assert.match(body.errors?.[0]?.reason ?? "", /no '\.', '\*', '>' or a character that looks like one/);
    }
  });

  it("unknown path → 404, wrong method → 405 with Allow, OPTIONS → 204", async () => {
    await problem("/nowhere", 404, "not-found");
    const { res } = await problem("/echo", 405, "method-not-allowed", { method: "PUT" });
    assert.equal(res.headers.get("allow"), "POST, OPTIONS");
    const get = await fetch(`${h.url}/echo`);
    assert.equal(get.status, 405);
    const options = await fetch(`${h.url}/echo`, { method: "OPTIONS" });
    assert.equal(options.status, 204);
    assert.equal(options.headers.get("allow"), "POST, OPTIONS");
  });

  it("counts answers by route pattern and status", async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    assert.match(text, /junction_gateway_requests_total\{route="\/nobody",method="POST",status="503"\} 1/);
    assert.match(text, /junction_gateway_requests_total\{route="unmatched",method="POST",status="404"\} 1/);
    assert.match(text, /junction_gateway_rejected_total\{route="\/one-at-a-time",reason="overloaded"\} 1/);
  });
});
