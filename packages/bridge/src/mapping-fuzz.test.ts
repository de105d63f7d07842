// Fuzzed templates and messages: a template either compiles or is refused with a TemplateError, and a
// message either maps to its target requests or is refused with a typed error (a MappingError, which the
// bridge dead-letters); never a TypeError or another untyped failure.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidSubjectError } from "@junction/sdk";
import { fuzzParameters } from "@junction/testkit";
import fc from "fast-check";
import { loadConfig } from "./config/load.ts";
import { MappingError } from "./errors.ts";
import { routeVocabulary } from "./targets/message.ts";
import { compileTemplate, TemplateError } from "./templates/index.ts";
import { NoRouteError, translate } from "./translate.ts";

const fragment = fc.oneof(
  fc.constantFrom(
    "{",
    "}",
    "{{",
    "}}",
    "{id}",
    "{nope}",
    "{$json}",
    "{$json.a}",
    "{$json.a.b.0}",
    "{$json.}",
    "{$json..a}",
    "{$data}",
    "{$subject}",
    "{$id}",
    "{$seq}",
    "{$time}",
    "{$unix}",
    "{$header.X-Tenant}",
    "{$header.}",
    "{$nope}",
    "|",
    "|upper",
    "|lower",
    "|title",
    "|number",
    "|nope",
    "{$json.n|number}",
    "{$json.s|upper|lower}",
    "{id|title}",
    "$",
    "$${",
    "${X}",
  ),
  fc.string({ maxLength: 6 }),
);
const source = fc.array(fragment, { maxLength: 6 }).map((parts) => parts.join(""));

// Routes whose targets use templates in every place they can: what a message's payload, subject and
// headers can break is broken here.
const config = loadConfig(
  `
streams:
  - { name: S, subjects: ["fz.q.>"] }
routes:
  - name: sqs
    from: { subject: "fz.q.{id}", stream: S }
    to:
      - type: sqs
        queue: "q-{id}.fifo"
        groupId: "{$json.group|lower}"
        body: "{id}:{$json.n|number}:{$header.X-Tenant|upper}:{$data}"
        attributes: { kind: "{$json.kind|title}" }
  - name: ddb
    from: { subject: "fz.d.{table}.{key}" }
    to:
      - type: dynamodb
        table: "t-{table}"
        key: { pk: "{key}" }
        set: { n: "{$json.n|number}", all: "{$json}", at: "{$unix|number}", s: "{$json.s}" }
        add: { count: "{$json.count|number}" }
  - name: eb
    from: { subject: "fz.e.{rest>}" }
    to:
      - { type: eventbridge, source: "src.{rest}", detailType: "{$json.kind|title}", detail: { d: "{$json.detail}", raw: "{$data}" } }
  - name: lambda
    from: { subject: "fz.l.{fn}" }
    reply: { type: lambda, function: "fn-{fn}", payload: { p: "{$json}", n: "{$json.n|number}" } }
`,
  { env: {} },
).routes;

// Mostly subjects that reach a route, so most cases exercise the mapping rather than the router.
const token = fc.oneof(
  { arbitrary: fc.constantFrom("a", "1", "x-y", "é", "order_7"), weight: 10 },
  { arbitrary: fc.constantFrom("*", ">", ""), weight: 1 },
  { arbitrary: fc.string({ minLength: 1, maxLength: 5 }), weight: 1 },
);
const subject = fc.oneof(
  {
    arbitrary: fc
      .tuple(fc.constantFrom("q", "d", "d", "e", "l"), fc.array(token, { minLength: 1, maxLength: 2 }))
      .map(([kind, rest]) => ["fz", kind, ...rest].join(".")),
    weight: 4,
  },
  { arbitrary: fc.array(token, { maxLength: 5 }).map((t) => t.join(".")), weight: 1 },
);
const json = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    group: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    n: fc.oneof(fc.double(), fc.string({ maxLength: 5 }), fc.boolean(), fc.constant([])),
    s: fc.oneof(fc.string(), fc.object({ maxDepth: 1 })),
    kind: fc.oneof(fc.string(), fc.integer()),
    count: fc.oneof(fc.integer(), fc.string()),
    detail: fc.jsonValue({ maxDepth: 2 }),
  }),
);
const data = fc.oneof(
  json.map((v) => new TextEncoder().encode(JSON.stringify(v) ?? "null")),
  fc.uint8Array({ maxLength: 64 }),
  fc.string({ maxLength: 40 }).map((s) => new TextEncoder().encode(s)),
  fc.constant(new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])), // {"<invalid UTF-8>"}
);
const headers = fc.dictionary(
  fc.constantFrom("X-Tenant", "Nats-Msg-Id", "Junction-Correlation-Id", "Junction-Causation-Id", "x"),
  fc.string({ maxLength: 20 }),
  { maxKeys: 3 },
);

describe("templates and mapping under fuzzed input", () => {
  it("compiles a template or refuses it with a TemplateError", (t) => {
    const vocabulary = routeVocabulary(["id"]);
    let compiled = 0;
    fc.assert(
      fc.property(source, (text) => {
        try {
          compileTemplate(text, vocabulary);
          compiled++;
        } catch (err) {
          assert.ok(err instanceof TemplateError, `${JSON.stringify(text)}: ${(err as Error)?.stack ?? err}`);
          assert.equal(err.code, "ERR_TEMPLATE");
        }
      }),
      fuzzParameters(t, 2000),
    );
    assert.ok(compiled > 0);
  });

  it("maps a message to its requests or refuses it with a typed error", (t) => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(subject, data, headers, (s, d, h) => {
        let outcome: string;
        try {
          const { requests } = translate(config, { subject: s, data: d, headers: h });
          assert.ok(requests.length > 0);
          outcome = "mapped";
        } catch (err) {
          const typed =
            err instanceof MappingError || err instanceof NoRouteError || err instanceof InvalidSubjectError;
          assert.ok(typed, `${s} ${JSON.stringify([...d])}: ${(err as Error)?.stack ?? err}`);
          outcome = err.code;
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      fuzzParameters(t, 2000),
    );
    t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    assert.ok(
      (outcomes.get("mapped") ?? 0) > 0 && (outcomes.get("ERR_MAPPING") ?? 0) > 0,
      JSON.stringify([...outcomes]),
    );
  });
});
