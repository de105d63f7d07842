#!/usr/bin/env node
// Runs every package's and example's tests in one `node --test` run, so CI reads one summary.
// One finder for the test files of the given roots (default: every package and example), so a subset
// runs the same way: `node scripts/test.mjs packages/bridge`.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const roots = process.argv.length > 2 ? process.argv.slice(2) : ["packages", "examples"];
const skip = new Set(["node_modules", "dist", ".junction"]);

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

const files = roots.flatMap((root) => (statSync(root).isDirectory() ? find(root, []) : [root])).sort();
if (files.length === 0) {
  console.error(`no test files under ${roots.join(", ")}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--conditions=source", "--import", "tsx", "--test", "--test-reporter=spec", ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
