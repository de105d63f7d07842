import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchPattern, parsePattern } from "../subjects/index.ts";
import {
  command,
  domainPattern,
  eventSubject,
  InvalidDomainSubjectError,
  parseDomainSubject,
  querySubject,
} from "./index.ts";

describe("domain subjects and envelopes", () => {
  it("builds and parses {domain}.{category}.{aggregate}.{name}", () => {
    assert.equal(eventSubject("orders", "order", "placed"), "orders.events.order.placed");
    assert.equal(querySubject("orders", "order", "get"), "orders.queries.order.get");
    assert.deepEqual(parseDomainSubject("orders.commands.order.place"), {
      domain: "orders",
      category: "commands",
      aggregate: "order",
      name: "place",
    });
    assert.equal(parseDomainSubject("orders.notes.order.place"), undefined);
    assert.equal(parseDomainSubject("orders.events.order"), undefined);
  });

  it("refuses parts that are not single tokens", () => {
    for (const bad of ["a.b", "", "*", "x y", ">"]) {
      assert.throws(() => eventSubject("orders", bad, "placed"), InvalidDomainSubjectError);
    }
  });

  it("envelopes carry the kind of their category and the parent identity", () => {
    const parent = { id: "p", correlationId: "c" };
    const env = command(
      "payments",
      "payment",
      "authorize",
      { amount: 5 },
      { causedBy: parent, idempotencyKey: "k" },
    );
    assert.deepEqual(env, {
      subject: "payments.commands.payment.authorize",
      kind: "command",
      data: { amount: 5 },
      causedBy: parent,
      idempotencyKey: "k",
    });
  });

  it("domain patterns capture aggregate and name", () => {
    const pattern = parsePattern(domainPattern("orders", "commands"));
    assert.deepEqual(matchPattern(pattern, "orders.commands.order.place"), {
      aggregate: "order",
      name: "place",
    });
    assert.equal(matchPattern(pattern, "orders.events.order.placed"), undefined);
  });
});
