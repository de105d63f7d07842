import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { svgRatioBars } from "./svg-bars.ts";

/** One benchmark's results as `junction bench NAME --json` gives them. */
export interface BenchSection {
  readonly name: string;
  readonly results: readonly Record<string, unknown>[];
}

// `added` is junction − baseline (the gateway's), a measure too, not a parameter of the run.
const MEASURES = new Set(["junction", "baseline", "ratio", "unit", "added"]);

/** What a result measured: its metric and parameters (`cpu per message`, `routes 1000`, …). */
export function labelOf(result: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof result.metric === "string") parts.push(result.metric);
  for (const [key, value] of Object.entries(result)) {
    if (MEASURES.has(key) || key === "metric") continue;
    if (typeof value === "number" || typeof value === "string") parts.push(`${key} ${value}`);
  }
  return parts.join(", ");
}

/** The machine the numbers were taken on, as the report names it. */
export function machineName(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? "unknown CPU"} × ${cpu.length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

const number = (v: unknown) =>
  typeof v === "number" ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(2)) : "";

/**
 * Writes `performance.md` and one SVG chart per benchmark into `dir` (`docs/` of the project by
 * default): every ratio against its in-run baseline, with the measured values beside it.
 */
export function writeReport(
  dir: string,
  sections: readonly BenchSection[],
  options: { readonly when?: Date; readonly quick?: boolean } = {},
): string {
  const when = options.when ?? new Date();
  mkdirSync(join(dir, "performance"), { recursive: true });
  const lines = [
    "# Performance",
    "",
    "Written by `junction bench all`: every benchmark against a baseline measured in the same run, so the",
    "ratios hold however busy the machine was (absolute numbers drift with it). Higher ratios are better;",
    "1.00× is as good as the baseline. Latency and CPU ratios are baseline ÷ Junction.",
    "",
    `Measured ${when.toISOString().slice(0, 16).replace("T", " ")} UTC on ${machineName()}` +
      (options.quick ? ", with `--quick` (smaller runs, one pair each: noisier ratios)." : "."),
    "",
  ];
  for (const section of sections) {
    const svg = `performance/${section.name}.svg`;
    writeFileSync(
      join(dir, svg),
      svgRatioBars(
        `junction bench ${section.name}: ratio to the baseline`,
        section.results.map((r) => ({ label: labelOf(r), value: Number(r.ratio) })),
      ),
    );
    lines.push(`## ${section.name}`, "", `![${section.name} ratios](${svg})`, "");
    lines.push("| measured | junction | baseline | unit | ratio |", "|---|---:|---:|---|---:|");
    for (const r of section.results) {
      lines.push(
        `| ${labelOf(r)} | ${number(r.junction)} | ${number(r.baseline)} | ${String(r.unit ?? "")} | ${number(r.ratio)}× |`,
      );
    }
    lines.push("");
  }
  const file = join(dir, "performance.md");
  writeFileSync(file, lines.join("\n"));
  return file;
}
