import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { newMessageId } from "@junction/sdk";
import { loadConfig } from "../config/load.ts";
import { MappingError } from "../errors.ts";
import { mappingError } from "../runtime/deliver.ts";
import { translate } from "../translate.ts";
import { DeliveryErrorCode, type DeliveryOutcome, type TargetSender } from "./delivery.ts";
import { createMessageScope } from "./message.ts";
import { createSender, TARGETS } from "./registry.ts";
import type { ConformanceFixture } from "./testdata/conformance.ts";
import { eventually, type LocalTargets, startLocalTargets } from "./testdata/local.ts";
import type { TargetRequest } from "./types.ts";

// Every registered target runs these checks against the local AWS edge endpoint: a new target is
// covered by adding its `testdata/conformance.ts` fixture next to its definition.
const targets = await Promise.all(
  TARGETS.map(async (definition) => {
    const module = (await import(`./${definition.type}/testdata/conformance.ts`)) as {
      fixture: ConformanceFixture;
    };
    const resource = `conformance-${definition.type}`;
    return { definition, fixture: module.fixture, resource, missing: `${resource}-missing` };
  }),
);

const loaded = loadConfig(
  `routes:\n${targets
    .flatMap(({ definition: { type }, fixture, resource, missing }) => [
      `  - { name: ${type}, from: { subject: "${type}.{n}" }, to: [${fixture.entry(resource)}] }`,
      `  - { name: ${type}-refused, from: { subject: "refused.${type}.{n}" }, to: [${fixture.refused?.(resource) ?? fixture.entry(missing)}] }`,
    ])
    .join("\n")}`,
  { env: {} },
);

const encoder = new TextEncoder();
const payload = (value: unknown) => encoder.encode(JSON.stringify(value));
/** The request of the route on `subject` for `data`, as translate and the runtime map it. */
const request = (subject: string, data: unknown = { n: subject.split(".").at(-1) }): TargetRequest => {
  const [mapped] = translate(loaded.routes, { subject, data: payload(data) }).requests;
  assert.ok(mapped !== undefined);
  return mapped;
};
const codes = (outcomes: readonly DeliveryOutcome[]) => outcomes.map((o) => (o.ok ? "ok" : o.error.code));

describe("target conformance (every registered target, local edge endpoint)", () => {
  const dir = mkdtempSync(join(tmpdir(), "junction-conformance-"));
  let local: LocalTargets;
  const senders = new Map<string, TargetSender>();
  before(async () => {
    const functions = Object.assign({}, ...targets.map((t) => t.fixture.functions?.(dir, t.resource) ?? {}));
    local = await startLocalTargets(functions, dir);
    for (const { definition, fixture, resource } of targets) {
      await fixture.create(local, resource);
      senders.set(definition.type, createSender(definition.type, local.clients));
    }
  });
  after(() => local.close());

  for (const { definition, fixture, resource } of targets) {
    const { type, capabilities } = definition;
    const sender = () => senders.get(type) as TargetSender;
    /** Waits until every one of `ns` has arrived at the resource. */
    const arrive = async (ns: readonly string[]) => {
      const seen = new Set<string>();
      await eventually(
        async () => {
          for (const n of await fixture.arrived(local, resource)) seen.add(n);
          return ns.every((n) => seen.has(n)) ? true : undefined;
        },
        10_000,
        `${type}: ${ns.length} messages`,
      );
      return seen;
    };

    describe(type, () => {
      it("maps a message to one request of its type and resource, which arrives", async () => {
        const mapped = request(`${type}.m1`);
        assert.equal(mapped.service, type);
        assert.equal(mapped.resource, resource);
        assert.deepEqual(codes(await sender().send([mapped])), ["ok"]);
        assert.deepEqual([...(await arrive(["m1"]))], ["m1"]);
      });

      it("splits a batch at its count limit, and every message arrives", async () => {
        const { maxCount } = capabilities.batch;
        const ns = Array.from({ length: Math.min(2 * maxCount + 1, 51) }, (_, i) => `b${i}`);
        const before = local.count(fixture.batchCommand);
        const outcomes = await sender().send(ns.map((n) => request(`${type}.${n}`)));
        assert.deepEqual(
          codes(outcomes),
          ns.map(() => "ok"),
        );
        assert.equal(local.count(fixture.batchCommand) - before, Math.ceil(ns.length / maxCount));
        assert.equal((await arrive(ns)).size, ns.length);
      });

      it("answers one outcome per request when part of a batch fails, in order", async () => {
        const outcomes = await sender().send([
          request(`${type}.p1`),
          request(`refused.${type}.p2`, { n: "p2", empty: "" }),
          request(`${type}.p3`),
        ]);
        assert.deepEqual(codes(outcomes), ["ok", DeliveryErrorCode.Rejected, "ok"]);
        assert.ok(outcomes[1] !== undefined && !outcomes[1].ok && !outcomes[1].error.retryable);
        await arrive(["p1", "p3"]);
      });

      it("answers Throttled (retryable) when AWS asks to slow down, for the runtime to retry", async () => {
        const clients = [
          local.clients.sqs,
          local.clients.dynamodb,
          local.clients.eventbridge,
          local.clients.lambda,
        ];
        for (const client of clients) {
          (client.middlewareStack as { add: (m: unknown, o: unknown) => void }).add(
            () => () =>
              Promise.reject(
                Object.assign(new Error("Rate exceeded"), {
                  name: "ThrottlingException",
                  $fault: "client",
                  $metadata: { httpStatusCode: 400 },
                }),
              ),
            { step: "initialize", name: "throttle" },
          );
        }
        try {
          const outcomes = await sender().send([request(`${type}.t1`), request(`${type}.t2`)]);
          assert.deepEqual(codes(outcomes), [DeliveryErrorCode.Throttled, DeliveryErrorCode.Throttled]);
          assert.ok(outcomes.every((o) => !o.ok && o.error.retryable));
        } finally {
          for (const client of clients) client.middlewareStack.remove("throttle");
        }
      });

      it("refuses a request over its size limit permanently (mapping error or rejected)", async () => {
        const big = { n: "o1", pad: "x".repeat(capabilities.maxRequestBytes) };
        let outcome: DeliveryOutcome | undefined;
        try {
          [outcome] = await sender().send([request(`${type}.o1`, big)]);
        } catch (err) {
          assert.ok(err instanceof MappingError, String(err));
          assert.match(err.message, /over|limit|large/i);
          return;
        }
        assert.ok(outcome !== undefined && !outcome.ok, `${type}: an oversized request was delivered`);
        assert.equal(outcome.error.retryable, false, outcome.error.message);
      });

      it("dead-letters an unmappable message with the mapping error as its reason", () => {
        const subject = `${type}.u1`;
        const match = loaded.routes.router.lookup(subject);
        assert.ok(match !== undefined);
        const message = {
          subject,
          data: payload({ other: 1 }),
          headers: {},
          id: newMessageId(),
          correlationId: "c",
          time: new Date(),
        };
        const dead = mappingError(
          { route: match.value },
          0,
          message,
          createMessageScope(message, match.captures),
        );
        assert.deepEqual(dead, { kind: "dead", code: "ERR_MAPPING", message: 'payload has no field "n"' });
      });
    });
  }

  describe("when the endpoint is down", () => {
    it("every sender answers Unavailable (retryable) for every message, without throwing", async () => {
      await local.aws.close();
      for (const { definition } of targets) {
        const requests = Array.from({ length: 12 }, (_, i) => request(`${definition.type}.d${i}`));
        const outcomes = await (senders.get(definition.type) as TargetSender).send(requests);
        assert.equal(outcomes.length, requests.length);
        for (const o of outcomes) {
          assert.ok(!o.ok, definition.type);
          assert.equal(o.error.code, DeliveryErrorCode.Unavailable, `${definition.type}: ${o.error.message}`);
          assert.equal(o.error.retryable, true);
        }
      }
    });
  });
});
