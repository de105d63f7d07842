#!/usr/bin/env node
// Folder-level import cycles, per package: each top-level folder of a package's src/ is one unit (a
// file directly in src/ is a unit of its own), and an import from one unit into another is an edge.
// Exits 1 listing every cycle (each with one import per step), so `npm test` fails on a new one.
// A script rather than a dependency: the module-level tools (madge, dependency-cruiser) report file
// cycles, not the folder layering this project promises.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "testdata" && name !== "node_modules") sources(path, out);
    } else if (name.endsWith(".ts") && !/\.(test|property|d)\.ts$/.test(name)) out.push(path); // tests may import upward
  }
  return out;
}

const unitOf = (src, file) => relative(src, file).split(sep)[0];

function cyclesOf(pkg) {
  const src = join(pkg, "src");
  const edges = new Map(); // unit → Map(unit → example "file → import")
  for (const file of sources(src)) {
    const from = unitOf(src, file);
    for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1] ?? m[2]);
      if (!target.startsWith(src + sep)) continue;
      const to = unitOf(src, target);
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from).has(to)) edges.get(from).set(to, `${relative(src, file)} → ${m[1] ?? m[2]}`);
    }
  }
  // Tarjan's strongly connected components: every component of more than one unit holds a cycle.
  let index = 0;
  const stack = [];
  const info = new Map();
  const components = [];
  const visit = (v) => {
    info.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!info.has(w)) {
        visit(w);
        info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
      } else if (info.get(w).onStack) info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
    }
    if (info.get(v).low === info.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        info.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!info.has(v)) visit(v);
  return components.map((units) => ({
    units,
    imports: units.flatMap((a) =>
      units.filter((b) => edges.get(a)?.has(b)).map((b) => `${a} → ${b}: ${edges.get(a).get(b)}`),
    ),
  }));
}

const root = resolve(import.meta.dirname, "..");
let found = 0;
for (const name of readdirSync(join(root, "packages")).sort()) {
  const pkg = join(root, "packages", name);
  try {
    statSync(join(pkg, "src"));
  } catch {
    continue;
  }
  for (const cycle of cyclesOf(pkg)) {
    found++;
    console.error(`packages/${name}: folders in a cycle: ${cycle.units.join(", ")}`);
    for (const line of cycle.imports) console.error(`  ${line}`);
  }
}
if (found > 0) {
  console.error(`\n${found} folder-level import cycle(s)`);
  process.exit(1);
}
console.log("no folder-level import cycles");
