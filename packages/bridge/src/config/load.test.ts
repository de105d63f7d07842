import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, formatProblem } from "../errors.ts";
import { loadConfig } from "./load.ts";

function problemsOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    loadConfig(text, { env });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    assert.equal(err.code, "ERR_CONFIG_INVALID");
    return err.problems.map(formatProblem);
  }
  assert.fail("config was accepted");
}

const minimalRoute = `
streams:
  - { name: S, subjects: ["orders.>"] }
routes:
  - name: orders
    from: { subject: "orders.{id}.created", stream: S }
    to:
      - { type: sqs, queue: orders }
`;

describe("loadConfig", () => {
  it("accepts an empty file and applies defaults", () => {
    const { config } = loadConfig("", { env: {} });
    assert.equal(config.nats.servers, "local");
    assert.equal(config.aws.region, "us-east-1");
    assert.equal(config.local.natsPort, 4222);
    assert.deepEqual(config.routes, []);
  });

  it("fills route defaults from the schema, into the compiled route's policy, and freezes the config", () => {
    const { config, routes } = loadConfig(minimalRoute, { env: {} });
    const [route] = config.routes;
    assert.deepEqual(route?.batch, { count: 10, bytes: 1024 * 1024, lingerMs: 5 });
    assert.deepEqual(route?.retry, {
      maxDeliver: 5,
      backoffMs: [1000, 2000, 4000, 8000, 16_000],
      ackWaitMs: 30_000,
    });
    assert.equal(route?.concurrency, 512);
    assert.equal(routes.routes[0]?.policy.fetchBatch, 256);
    assert.equal(routes.routes[0]?.policy.maxDeliver, 5);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(route?.retry.backoffMs));
    assert.throws(() => {
      (config.routes as unknown[]).push({});
    }, TypeError);
  });

  it("compiles routes into a router", () => {
    const { routes } = loadConfig(minimalRoute, { env: {} });
    const match = routes.router.lookup("orders.42.created");
    assert.equal(match?.value.name, "orders");
    assert.deepEqual(match?.captures, { id: "42" });
    assert.equal(routes.router.lookup("orders.42.deleted"), undefined);
  });

  it("lists every schema problem with its path and YAML line", () => {
    const problems = problemsOf(`nats:
  servers: 42
bogus: true
routes:
  - name: "bad name!"
    from: { subject: "a.b" }
    to:
      - { type: sqs }
      - { type: carrier-pigeon }
`);
    assert.deepEqual(problems, [
      'nats.servers: expected "local" or string or array, got number 42 (line 2)',
      "bogus: unknown key (line 3)",
      "routes[0].name: use 1-64 letters, digits, '-' or '_' (line 5)",
      "routes[0].to[0].queue: is required (line 8)",
      'routes[0].to[1].type: unknown value "carrier-pigeon"; expected one of: eventbridge, sqs, dynamodb, lambda (line 9)',
    ]);
  });

  it("still checks the meaning of valid routes when another part fails the schema", () => {
    assert.deepEqual(
      problemsOf(`
streams: [{ name: S, subjects: ["a.>"] }]
routes:
  - name: ok-shape
    from: { subject: "a.{id}", stream: S }
    to: [{ type: sqs, queue: q, body: "{idd}" }]
  - name: bad
    from: { subject: "a.b" }
    to: [{ type: sqs }]
extra: 1
`),
      [
        'routes[0].to[0].body: unknown capture "{idd}" (captures here: id) (line 6)',
        "routes[1].to[0].queue: is required (line 9)",
        "extra: unknown key (line 10)",
      ],
    );
  });

  it("reports YAML syntax errors with their line", () => {
    const [problem, ...rest] = problemsOf("routes:\n  - name: x\n    from: [unclosed\n");
    assert.equal(rest.length, 0);
    assert.match(problem ?? "", /^\(config\): .+ \(line \d\)$/);
  });

  it("substitutes ${ENV} and ${ENV:-default}, and reports unset variables", () => {
    const { config } = loadConfig(
      "aws: { region: '${REGION}', endpoint: '${EP:-http://127.0.0.1:4566}' }\n",
      {
        env: { REGION: "eu-west-1" },
      },
    );
    assert.equal(config.aws.region, "eu-west-1");
    assert.equal(config.aws.endpoint, "http://127.0.0.1:4566");
    assert.deepEqual(problemsOf("aws: { region: '${NOPE}' }\n"), [
      "aws.region: environment variable NOPE is not set (write ${NOPE:-default}) (line 1)",
    ]);
    const escaped = loadConfig("nats: { name: 'cost $${HOME}' }\n", { env: { HOME: "/root" } });
    assert.equal(escaped.config.nats.name, "cost ${HOME}");
  });

  it("finds meaning problems: templates, streams, duplicates, conflicts, FIFO rules", () => {
    const problems = problemsOf(`
streams:
  - { name: S, subjects: ["orders.>"] }
  - { name: S, subjects: ["orders.eu.>", "x.{bad}"] }
routes:
  - name: a
    from: { subject: "orders.{id}.created", stream: S }
    to:
      - { type: sqs, queue: "q-{idd}.fifo" }
  - name: a
    from: { subject: "orders.{other}.created", stream: NOPE }
    to:
      - { type: eventbridge, source: s, detailType: "{$nope}" }
  - name: c
    from: { subject: "orders..x" }
    to:
      - { type: sqs, queue: q, dedupId: "{$id}" }
  - name: d
    from: { subject: "other.x", stream: S }
    reply: { type: lambda, function: f }
  - name: e
    from: { subject: "_INBOX.>" }
    to: [{ type: lambda, function: f }]
  - name: f
    from: { subject: "orders.*.created" }
`);
    const expected: [string, RegExp][] = [
      ["streams[1].name", /duplicate name "S" \(also streams\[0\]\) \(line 4\)/],
      ["streams[1].subjects[0]", /"orders.eu.>" overlaps "orders.>" of streams\[0\]/],
      ["streams[1].subjects[1]", /not \{captures\}/],
      ["routes[1].name", /duplicate route name "a" \(also routes\[0\]\) \(line 10\)/],
      ["routes[0].to[0].groupId", /is required for a FIFO queue/],
      ["routes[0].to[0].queue", /unknown capture "\{idd\}" \(captures here: id\) \(line 9\)/],
      ["routes[1].from.stream", /stream "NOPE" is not declared/],
      ["routes[1].to[0].detailType", /unknown built-in "\$nope" \(built-ins here: \$subject, \$id,/],
      ["routes[1].from.subject", /routes\[0\]/],
      ["routes[2].from.subject", /orders\.\.x.*token 2 is empty/],
      ["routes[3].from.subject", /"other.x" is not inside stream S's subjects \(orders.>\)/],
      ["routes[3].reply", /cannot consume from a stream/],
      ["routes[4].from.subject", /"_INBOX" subjects are reserved/],
      ["routes[5]", /needs `to`, `reply`, or both/],
      ["routes[5].from.subject", /"a".*"f"|"f".*"a"/],
    ];
    const unmatched = problems.filter(
      (p) => !expected.some(([path, re]) => p.startsWith(`${path}: `) && re.test(p)),
    );
    const missing = expected.filter(
      ([path, re]) => !problems.some((p) => p.startsWith(`${path}: `) && re.test(p)),
    );
    assert.deepEqual({ unmatched, missing: missing.map(([path]) => path) }, { unmatched: [], missing: [] });
  });
});
