import type { Command } from "commander";
import { benchRoutes, type RoutesBenchResult } from "../bench/routes.ts";
import { CliExit, ExitCode } from "../exit-codes.ts";
import { formatBars } from "../format/bars.ts";

interface BenchOptions {
  json?: boolean;
  duration: string;
}

const BENCHES = ["routes"] as const;

export function registerBench(program: Command): void {
  program
    .command("bench")
    .description("run a benchmark against a baseline measured in the same run and print the ratios")
    .argument("<name>", `benchmark: ${BENCHES.join(", ")}`)
    .option("--json", "end with one JSON line: {name, results:[{…, junction, baseline, ratio}]}")
    .option("--duration <ms>", "time per measured run", "300")
    .action(async (name: string, opts: BenchOptions) => {
      const durationMs = Number(opts.duration);
      if (!Number.isFinite(durationMs) || durationMs <= 0) {
        throw new CliExit(ExitCode.Invalid, `--duration ${opts.duration}: use a positive number of ms`);
      }
      if (name !== "routes")
        throw new CliExit(ExitCode.Invalid, `unknown benchmark "${name}" (${BENCHES.join(", ")})`);
      const out = process.stdout;
      out.write("routes: subject lookups/s, Junction's trie vs scanning compiled regular expressions\n");
      out.write(
        `${"routes".padStart(8)} ${"junction/s".padStart(14)} ${"regex scan/s".padStart(14)} ${"ratio".padStart(9)}\n`,
      );
      const results = await benchRoutes({
        durationMs,
        onProgress: (r: RoutesBenchResult) =>
          out.write(
            `${String(r.routes).padStart(8)} ${fmt(r.junction).padStart(14)} ${fmt(r.baseline).padStart(14)} ${`${r.ratio.toFixed(1)}×`.padStart(9)}\n`,
          ),
      });
      out.write("\ntrie lookups/s (flat is good: cost follows subject length, not route count)\n");
      out.write(
        formatBars(
          results.map((r) => ({ label: `${r.routes} routes`, value: r.junction, text: fmt(r.junction) })),
        ),
      );
      out.write("\nspeed-up over the regex scan (log scale)\n");
      out.write(
        formatBars(
          results.map((r) => ({
            label: `${r.routes} routes`,
            value: r.ratio,
            text: `${r.ratio.toFixed(1)}×`,
          })),
          { log: true },
        ),
      );
      const rates = results.map((r) => r.junction);
      out.write(
        `\ntrie throughput spread across sizes: ${(Math.max(...rates) / Math.min(...rates)).toFixed(2)}× (max/min)\n`,
      );
      if (opts.json)
        out.write(
          `${JSON.stringify({ name: "routes", results: results.map((r) => ({ ...r, unit: "lookups/s" })) })}\n`,
        );
    });
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
