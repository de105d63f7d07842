// The game's services, on NATS through the SDK: player moves (request/reply), the leaderboard (a durable
// JetStream worker over match scores, and a query), and an NPC that streams its answer token by token.
// Run next to `junction up -c examples/gaming/junction.yaml`:  npx tsx examples/gaming/service.ts
import { connect, ServiceError } from "@junction/sdk";

const client = await connect({ servers: process.env.NATS_URL ?? "nats://127.0.0.1:4222", name: "gaming" });

const positions = new Map<string, { x: number; y: number }>();
const points = new Map<string, number>();
const WORLD = 10; // the map is WORLD × WORLD tiles

await client.serve<{ dx: number; dy: number }>("game.player.{playerId}.move", (ctx) => {
  const playerId = ctx.captures.playerId as string;
  const from = positions.get(playerId) ?? { x: 0, y: 0 };
  const to = { x: from.x + ctx.data.dx, y: from.y + ctx.data.dy };
  if (to.x < 0 || to.y < 0 || to.x >= WORLD || to.y >= WORLD) {
    throw new ServiceError(422, `(${to.x}, ${to.y}) is off the map`);
  }
  positions.set(playerId, to);
  return { playerId, ...to };
});

await client.serve("game.player.{playerId}.get", (ctx) => {
  const playerId = ctx.captures.playerId as string;
  const at = positions.get(playerId);
  if (at === undefined) throw new ServiceError(404, `no player ${playerId}`);
  return { playerId, ...at, points: points.get(playerId) ?? 0 };
});

// Scores arrive through the gateway's durable publish; the worker acks each once it is counted.
await client.jetstream().worker<{ player: string; points: number }>("SCORES", "leaderboard", (job) => {
  points.set(job.data.player, (points.get(job.data.player) ?? 0) + job.data.points);
});

await client.serve<{ limit?: number } | undefined>("game.leaderboard", (ctx) =>
  [...points]
    .sort((a, b) => b[1] - a[1])
    .slice(0, ctx.data?.limit ?? 10)
    .map(([player, total]) => ({ player, points: total })),
);

const LINES: Record<string, string> = {
  merchant: "Welcome, traveller! Swords on the left, potions on the right. Mind the dragon.",
  guard: "Halt! None shall pass without the king's seal.",
};

// Token by token, like an LLM; stops as soon as the caller hangs up (`write` returns false).
await client.serveStream<{ prompt?: string } | undefined, { token: string }>(
  "npc.{npcId}.chat",
  async ({ captures, writer, signal }) => {
    const line = LINES[captures.npcId as string];
    if (line === undefined) throw new ServiceError(404, `no NPC ${captures.npcId}`);
    for (const token of line.split(/(?<= )/)) {
      if (!writer.write({ token })) return;
      await new Promise((resolve) => setTimeout(resolve, 60));
      if (signal.aborted) return;
    }
  },
);

console.log("gaming services ready");
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void client.drain().then(() => process.exit(0)));
}
