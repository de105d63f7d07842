import type { StackStatus } from "@junction/bridge";
import type { GroupStatus } from "../partition-groups.ts";

/** `junction status` for people: one table per part of the stack, columns aligned. */
export function formatStatus(status: StackStatus, groups: readonly GroupStatus[] = []): string {
  const parts: string[] = [];
  if (status.routes.length > 0) {
    parts.push(
      table(
        [
          "route",
          "pending",
          "ack pending",
          "redelivered",
          "delivered/s",
          "failed/s",
          "dead letters",
          "breakers",
        ],
        status.routes.map((r) => [
          r.name,
          r.consumer?.pending ?? "-",
          r.consumer?.ackPending ?? "-",
          r.consumer?.redelivered ?? "-",
          r.deliveredRate,
          r.failedRate,
          r.deadLetters,
          Object.entries(r.breakers)
            .map(([target, state]) => `${target} ${state}`)
            .join(", ") || "-",
        ]),
      ),
    );
  }
  if (status.inbound.length > 0) {
    parts.push(
      table(
        ["inbound", "queue", "depth", "in flight"],
        status.inbound.map((q) => [q.name, q.queue, q.depth ?? q.error ?? "-", q.inFlight ?? "-"]),
      ),
    );
  }
  if (status.kv.length > 0) {
    parts.push(
      table(
        ["kv bucket", "table", "lag"],
        status.kv.map((k) => [k.bucket, k.table, k.lag]),
      ),
    );
  }
  if (groups.length > 0) {
    parts.push(
      table(
        ["group", "member", "partitions", "lease age"],
        groups.flatMap((g) => [
          ...g.members.map((m) => [
            g.group,
            m.id,
            m.partitions.join(", ") || "-",
            m.leaseAgeMs === undefined ? "gone" : `${(m.leaseAgeMs / 1000).toFixed(1)} s`,
          ]),
          ...(g.unowned.length > 0 ? [[g.group, "(unowned)", g.unowned.join(", "), "-"]] : []),
        ]),
      ),
    );
  }
  if (status.gateway !== undefined) {
    const rejected = Object.entries(status.gateway.rejected)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(", ");
    parts.push(`gateway: ${status.gateway.inFlight} in flight, rejected: ${rejected || "none"}\n`);
  }
  return parts.length === 0 ? "nothing configured\n" : parts.join("\n");
}

/** Text columns left-aligned, numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: readonly (string | number)[]) =>
    `${cells
      .map((c, i) =>
        typeof c === "number" ? String(c).padStart(widths[i] ?? 0) : String(c).padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd()}\n`;
  return line(header) + rows.map(line).join("");
}
