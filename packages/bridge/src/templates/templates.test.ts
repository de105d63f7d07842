import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MappingError } from "../errors.ts";
import { createMessageScope, type RouteMessage, routeVocabulary } from "../targets/message.ts";
import { compileTemplate, compileValue, parseTemplate, TemplateError } from "./index.ts";

const message: RouteMessage = {
  subject: "agent.a1.task_done",
  data: new TextEncoder().encode(
    JSON.stringify({ cpu: 0.42, tags: ["x", "y"], nested: { n: 7 }, s: "12.5" }),
  ),
  headers: { "Nats-Msg-Id": "m-1", TraceParent: "00-abc-def-01" },
  id: "m-1",
  correlationId: "c-1",
  causationId: "p-0",
  seq: 42,
  time: new Date("2026-11-23T10:00:00.000Z"),
};
const vocab = routeVocabulary(["agentId", "action"]);
const scope = createMessageScope(message, { agentId: "a1", action: "task_done" });
const render = (source: string) => compileTemplate(source, vocab).render(scope);

describe("templates", () => {
  it("inserts captures and built-ins as text", () => {
    assert.equal(render("agent-{agentId}-{$seq}"), "agent-a1-42");
    assert.equal(
      render("{$subject}|{$id}|{$correlationId}|{$causationId}"),
      "agent.a1.task_done|m-1|c-1|p-0",
    );
    assert.equal(render("{$time}"), "2026-11-23T10:00:00.000Z");
    assert.equal(render("{$unix}"), String(Date.UTC(2026, 10, 23, 10) / 1000));
    assert.equal(render("{$data}"), new TextDecoder().decode(message.data));
  });

  it("reads headers case-insensitively", () => {
    assert.equal(render("{$header.traceparent}"), "00-abc-def-01");
    assert.equal(render("{$header.NATS-MSG-ID}"), "m-1");
  });

  it("applies filters left to right", () => {
    assert.equal(render("Agent {action|title}"), "Agent Task_Done");
    assert.equal(render("{agentId|upper}"), "A1");
    assert.equal(render("{$json.s|number}"), 12.5);
    assert.equal(render("{$unix|number}"), Date.UTC(2026, 10, 23, 10) / 1000);
    assert.equal(render("x{$unix|number}"), `x${Date.UTC(2026, 10, 23, 10) / 1000}`);
  });

  it("title-cases each word", () => {
    const s = createMessageScope(message, { agentId: "a1", action: "task-done now" });
    assert.equal(compileTemplate("{action|title}", vocab).render(s), "Task-Done Now");
  });

  it("inserts whole JSON values only when the string is exactly one expression", () => {
    assert.deepEqual(render("{$json}"), { cpu: 0.42, tags: ["x", "y"], nested: { n: 7 }, s: "12.5" });
    assert.deepEqual(render("{$json.tags}"), ["x", "y"]);
    assert.equal(render("{$json.nested.n}"), 7);
    assert.equal(render("{$json.tags.1}"), "y");
    assert.equal(render("n={$json.nested.n}"), "n=7");
    assert.equal(render("t={$json.tags}"), 't=["x","y"]');
  });

  it("keeps {{ and }} as literal braces", () => {
    assert.equal(render("{{literal}} {agentId}"), "{literal} a1");
    assert.deepEqual(parseTemplate("{{}}"), [{ kind: "text", text: "{}" }]);
  });

  it("rejects unknown names and bad syntax at compile time", () => {
    const cases: [string, RegExp][] = [
      ["{agentid}", /unknown capture "\{agentid\}" \(captures here: agentId, action\)/],
      ["{$nope}", /unknown built-in "\$nope"/],
      ["{$header}", /needs an argument/],
      ["{$id.x}", /takes no argument/],
      ["{agentId|shout}", /unknown filter "shout"/],
      ["{agentId", /unclosed "\{"/],
      ["a}b", /unmatched "\}"/],
      ["{}", /empty expression/],
      ["{$json..a}", /invalid argument/],
      ["{a-b}", /invalid capture name "a-b"/],
    ];
    for (const [source, message] of cases) {
      assert.throws(
        () => compileTemplate(source, vocab),
        (err: unknown) => {
          assert.ok(err instanceof TemplateError, source);
          assert.match((err as Error).message, message, source);
          return true;
        },
      );
    }
  });

  it("fails at render time with a mapping error when the message lacks what the template needs", () => {
    const notJson = createMessageScope({ ...message, data: new TextEncoder().encode("plain") }, {});
    const binary = createMessageScope({ ...message, data: new Uint8Array([0xff, 0xfe]) }, {});
    const cases: [() => unknown, RegExp][] = [
      [() => render("{$json.missing}"), /payload has no field "missing"/],
      [() => render("{$header.X-Missing}"), /header "X-Missing" is missing/],
      [() => render("{agentId|number}"), /cannot convert "a1" to a number/],
      [() => compileTemplate("{$json}", vocab).render(notJson), /payload is not JSON/],
      [() => compileTemplate("{$data}", vocab).render(binary), /not valid UTF-8/],
      [
        () => compileTemplate("{$seq}", vocab).render(createMessageScope({ ...message, seq: undefined }, {})),
        /only known for messages from a stream/,
      ],
    ];
    for (const [fn, pattern] of cases)
      assert.throws(fn, (err: unknown) => err instanceof MappingError && pattern.test(err.message));
  });

  it("compiles nested values and reports every bad string with its path", () => {
    const problems: string[] = [];
    compileValue(
      { a: "{agentId}", list: ["{$seq|number}", 3, null], bad: "{nope}", deep: { worse: "{$what}" } },
      vocab,
      ["detail"],
      (path, msg) => problems.push(`${path.join(".")}: ${msg}`),
    );
    assert.equal(problems.length, 2);
    assert.match(problems[0] ?? "", /^detail\.bad: unknown capture/);
    assert.match(problems[1] ?? "", /^detail\.deep\.worse: unknown built-in/);
    const ok = compileValue(
      { a: "{agentId}", list: ["{$seq|number}", 3, null], c: "{{x}}" },
      vocab,
      [],
      () => {},
    );
    assert.deepEqual(ok.render(scope), { a: "a1", list: [42, 3, null], c: "{x}" });
    const constant = compileValue({ c: "{{x}}", n: 1 }, vocab, [], () => {});
    assert.equal(constant.constant, true);
    assert.deepEqual(constant.render(scope), { c: "{x}", n: 1 });
  });
});
