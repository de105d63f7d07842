import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assignPartitions, fnv1a32, partitionOf } from "./hash.ts";

describe("partitions: hash and assignment", () => {
  it("is FNV-1a 32 over UTF-8 (published test vectors)", () => {
    // Vectors from the FNV reference (draft-eastlake-fnv): "", "a", "foobar".
    assert.equal(fnv1a32(""), 0x811c9dc5);
    assert.equal(fnv1a32("a"), 0xe40c292c);
    assert.equal(fnv1a32("foobar"), 0xbf9cf968);
    // Multi-byte characters hash their UTF-8 bytes (C3 A9), not UTF-16 code units.
    let h = 0x811c9dc5;
    for (const byte of [0xc3, 0xa9]) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    assert.equal(fnv1a32("é"), h);
    assert.equal(partitionOf("foobar", 16), 0xbf9cf968 % 16);
  });

  it("assigns every partition, evenly, the same for every order of the member list", () => {
    const members = ["m-c", "m-a", "m-b"];
    const owners = assignPartitions(members, 16);
    assert.equal(owners.length, 16);
    assert.deepEqual(assignPartitions([...members].reverse(), 16), owners);
    const counts = members.map((m) => owners.filter((o) => o === m).length);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `uneven: ${counts}`);
    assert.deepEqual(assignPartitions([], 4), []);
  });

  it("moves few partitions when a member joins", () => {
    const before = assignPartitions(["a", "b", "c"], 60);
    const after = assignPartitions(["a", "b", "c", "d"], 60);
    const moved = before.filter((o, p) => after[p] !== o).length;
    // 15 partitions must go to the newcomer; a modulo assignment would move about 45.
    assert.ok(moved >= 15 && moved <= 30, `moved ${moved}`);
  });
});
