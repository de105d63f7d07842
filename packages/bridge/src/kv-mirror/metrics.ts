import { metricSeries } from "@junction/sdk/telemetry";
import { type Counter, type Gauge, Registry } from "prom-client";

type Labels = "bucket" | "table";

export interface KvMirrorMetrics {
  /** DynamoDB writes that succeeded, by KV operation. */
  readonly writes: Counter<Labels | "operation">;
  /** Conditional writes skipped because the table already holds a newer revision. */
  readonly stale: Counter<Labels>;
  /** Revisions not written because a newer one of the same key was already waiting (default layout). */
  readonly superseded: Counter<Labels>;
  /** Failed DynamoDB calls, by error code (each retry counts). */
  readonly failures: Counter<Labels | "code">;
  /** Values DynamoDB refused for good: the item was written without its value (`valueError`). */
  readonly refused: Counter<Labels>;
  /** The bucket's last revision minus the last revision the mirror has confirmed. */
  readonly lag: Gauge<Labels>;
  /** The last revision confirmed in DynamoDB (saved as the checkpoint). */
  readonly checkpoint: Gauge<Labels>;
  /** `direction: both`: stream records by outcome (applied, echo, unchanged, conflict, ignored). */
  readonly streamRecords: Counter<Labels | "result">;
  /** 1 while this process is the mirror's elected writer, 0 once it let go (label `member`: who). */
  readonly owned: Gauge<Labels | "member">;
}

/** The mirror's metrics on `registry`; reuses those already registered, so mirrors share a registry. */
export function createKvMirrorMetrics(registry: Registry = new Registry()): KvMirrorMetrics {
  const { counter, gauge: series } = metricSeries(registry);
  const gauge = (name: string, help: string) => series<Labels>(name, help, ["bucket", "table"]);
  return {
    owned: series("junction_kv_mirror_owned", "1 while this process is the mirror's elected writer", [
      "bucket",
      "table",
      "member",
    ]),
    writes: counter("junction_kv_mirror_writes_total", "DynamoDB writes made by the KV mirror", [
      "bucket",
      "table",
      "operation",
    ]),
    stale: counter(
      "junction_kv_mirror_stale_writes_total",
      "Writes skipped: DynamoDB held a newer revision",
      ["bucket", "table"],
    ),
    superseded: counter(
      "junction_kv_mirror_superseded_total",
      "Revisions not written: a newer revision of the key was waiting",
      ["bucket", "table"],
    ),
    failures: counter("junction_kv_mirror_failures_total", "Failed DynamoDB calls of the KV mirror", [
      "bucket",
      "table",
      "code",
    ]),
    refused: counter(
      "junction_kv_mirror_refused_values_total",
      "Values DynamoDB refused; written as items without value",
      ["bucket", "table"],
    ),
    lag: gauge("junction_kv_mirror_lag_revisions", "Bucket's last revision minus the mirror's checkpoint"),
    checkpoint: gauge("junction_kv_mirror_checkpoint_revision", "Last revision confirmed in DynamoDB"),
    streamRecords: counter(
      "junction_kv_mirror_stream_records_total",
      "DynamoDB stream records read by the mirror (direction both), by result",
      ["bucket", "table", "result"],
    ),
  };
}
