import type { ReportProblem } from "../path.ts";
import type { JunctionConfig } from "./schema.ts";

/** Meaning checks of `kv:` entries that the schema cannot express. */
export function checkKvMirrors(config: JunctionConfig, report: ReportProblem): void {
  const tables = new Map<string, number>();
  config.kv.forEach((kv, i) => {
    const first = tables.get(kv.table);
    if (first === undefined) tables.set(kv.table, i);
    else
      report(
        ["kv", i, "table"],
        `table "${kv.table}" is already the mirror of kv[${first}] (one bucket per table)`,
      );
    if (kv.direction === "both" && kv.history)
      report(
        ["kv", i, "history"],
        "direction both works with the default layout only: changes made in DynamoDB to history items have no single revision to apply",
      );
    if (kv.tombstoneTtl !== undefined && kv.deletes !== "tombstone")
      report(["kv", i, "tombstoneTtl"], "tombstoneTtl applies only with deletes: tombstone");
  });
}
