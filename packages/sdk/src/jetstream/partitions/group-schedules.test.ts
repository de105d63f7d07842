// Random join / leave / crash schedules against one partitioned group on a real nats-server: every
// key in order, and only a crashed member's messages handled twice. A failing seed is printed and
// replays: PARTITION_SEEDS="101,104" runs those (or widens the search: $(seq -s, 1 50)).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestNats, type TestNats, waitFor } from "@junction/testkit";
import { connect, type JunctionClient } from "../../connect/client.ts";
import type { PartitionGroup, PartitionGroupEvent } from "./group.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Small seeded PRNG (mulberry32) so a failing schedule can be replayed from its printed seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Member {
  readonly name: string;
  readonly client: JunctionClient;
  readonly group: PartitionGroup;
  crashed: boolean;
}

describe("partitions: a group under random join / leave / crash schedules", () => {
  let nats: TestNats;
  let admin: JunctionClient;
  const events: PartitionGroupEvent[] = [];

  before(async () => {
    nats = await startTestNats();
    admin = await connect({ servers: nats.url, name: "partitions-admin" });
  });
  after(async () => {
    await admin?.drain();
    await nats?.dispose();
  });

  // PARTITION_SEEDS="1,2,3" replays or widens the search; the default two run in a few minutes.
  const seeds = (process.env.PARTITION_SEEDS ?? "11,29").split(",").map(Number);
  for (const seed of seeds) {
    it(`keeps every key in order, and re-handles only what a crashed member held (seed ${seed})`, async () => {
      // One generator per use, so the schedule and the keys replay from the seed whatever the timing.
      const rnd = random(seed);
      const keyRnd = random(seed * 7919);
      const pauseRnd = random(seed * 104_729);
      const stream = `ORDERS${seed}`;
      const group = `orders${seed}`;
      const js = admin.jetstream();
      await js.ensureStream({ name: stream, subjects: [`o${seed}.>`] });

      const KEYS = 40;
      const TOTAL = 2000;
      /** Per key: the stream sequences published, in order. */
      const published = new Map<string, number[]>();
      /** Per key: the sequences handled at least once. */
      const handled = new Map<string, Set<number>>();
      const handledBy = new Map<number, string[]>();
      const violations: string[] = [];
      const history: string[] = [];

      const members: Member[] = [];
      let nextMember = 0;
      const join = async () => {
        const name = `m${nextMember++}`;
        const client = await connect({ servers: nats.url, name });
        const member: Member = {
          name,
          client,
          crashed: false,
          group: await client.jetstream().partitionedWorker<{ key: string }>(
            stream,
            group,
            async (job) => {
              if (member.crashed) throw new Error("crashed"); // a dead process handles nothing
              const key = job.data.key;
              const seq = job.streamSequence;
              const earlier = (published.get(key) ?? []).filter((s) => s < seq);
              const done = handled.get(key) ?? new Set<number>();
              const missing = earlier.filter((s) => !done.has(s));
              if (missing.length > 0) violations.push(`${key}: ${seq} before ${missing.slice(0, 3)}`);
              await sleep(pauseRnd() < 0.1 ? 5 : 0);
              done.add(seq);
              handled.set(key, done);
              handledBy.set(seq, [...(handledBy.get(seq) ?? []), name]);
            },
            {
              key: (m) => m.subject.split(".")[1] ?? "",
              partitions: 8,
              leaseMs: 1500,
              ackWaitMs: 2500,
              concurrency: 16,
              memberId: `${group}-${name}`,
              onEvent: (e) => {
                events.push(e);
                // What a member went through, for the report of a message it ran twice.
                if (e.type === "fenced") history.push(`${name} fenced (${e.why})`);
                if (e.type === "released") history.push(`${name} released p${e.partition} (${e.reason})`);
                if (e.type === "assigned") history.push(`${name} assigned p${e.partition}`);
              },
            },
          ),
        };
        members.push(member);
      };
      const live = () => members.filter((m) => !m.crashed && members.includes(m));
      const crashedNames = new Set<string>();

      // Every member stops and every client closes however the run ends: a failed run must not hang.
      const stopAll = async () => {
        for (const m of members.splice(0)) {
          await m.group.stop();
          if (m.crashed) continue;
          await m.client.drain().catch(() => m.client.nc.close());
        }
      };
      const schedule: string[] = [];
      try {
        await join();
        await join();
        let sent = 0;
        const publishing = (async () => {
          while (sent < TOTAL) {
            const key = `k${Math.floor(keyRnd() * KEYS)}`;
            const ack = await js.publish(`o${seed}.${key}`, { key });
            published.set(key, [...(published.get(key) ?? []), ack.seq]);
            sent++;
            if (sent % 50 === 0) await sleep(20);
          }
        })();
        // Eight random membership changes while messages flow; at least one member stays up.
        for (let step = 0; step < 8; step++) {
          await sleep(300 + rnd() * 500);
          const up = live();
          const r = rnd();
          if (r < 0.4 || up.length < 2) {
            schedule.push("join");
            await join();
          } else if (r < 0.7) {
            const m = up[Math.floor(rnd() * up.length)] as Member;
            schedule.push(`leave ${m.name}`);
            members.splice(members.indexOf(m), 1);
            await m.group.stop();
            await m.client.drain();
          } else {
            const m = up[Math.floor(rnd() * up.length)] as Member;
            schedule.push(`crash ${m.name}`);
            m.crashed = true;
            crashedNames.add(m.name);
            await m.client.nc.close(); // no drain, no release: its claims and lease are left behind
          }
        }
        await publishing;
        const expected = [...published.values()].flat();
        await waitFor(
          `all ${TOTAL} messages handled (schedule: ${schedule.join(", ")})`,
          async () => {
            const n = expected.filter((s) => handledBy.has(s)).length;
            return n === TOTAL ? true : `${n}/${TOTAL}`;
          },
          { timeoutMs: 45_000 },
        );
      } finally {
        await stopAll();
      }
      assert.deepEqual(violations, [], `schedule: ${schedule.join(", ")}`);
      // Only a crash may make a message run twice, and then only one the crashed member had run.
      const again = [...handledBy].filter(([, by]) => by.length > 1);
      for (const [seq, by] of again) {
        assert.ok(
          by.slice(0, -1).some((n) => crashedNames.has(n)),
          `seq ${seq} handled by ${by.join(", ")} with no crash among them (schedule: ${schedule.join(", ")}; ` +
            `their events: ${history.filter((h) => by.some((n) => h.startsWith(`${n} `))).join(", ")})`,
        );
      }
      assert.ok(events.some((e) => e.type === "assigned" && e.takeover) || crashedNames.size === 0);
    });
  }
});
