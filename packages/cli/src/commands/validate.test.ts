// `junction validate` on YAML that cannot become a config: exit 2 with `path: message (line N)`, never a
// stack trace (exit 1), for each kind of YAML that used to crash it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../main.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "junction-validate-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function validate(name: string, yaml: string) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  const r = spawnSync(
    process.execPath,
    ["--conditions=source", "--import", "tsx", main, "validate", "-c", file],
    {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      timeout: 60_000,
    },
  );
  return { code: r.status, stderr: r.stderr, file };
}

describe("junction validate on unresolvable YAML", () => {
  const laughs = [
    "a: &a [x, x, x, x, x, x, x, x, x, x]",
    ..."bcdefg".split("").map((c, i) => `${c}: &${c} [${Array(10).fill(`*${"abcdef"[i]}`).join(", ")}]`),
  ].join("\n");
  const cases: [string, string, string][] = [
    ["unresolved", "routes: *nope\n", "routes: alias *nope has no anchor &nope before it (line 1)"],
    ["self", "x: &x\n  y: *x\n", "x.y: alias *x refers to a value that contains it (line 2)"],
    ["laughs", `${laughs}\n`, "g[0]: alias *f expands to more than 1,000,000 values (line 7)"],
    ["deep", `routes: ${"[".repeat(5000)}${"]".repeat(5000)}\n`, "(config): nested too deeply to parse"],
  ];
  for (const [name, yaml, expected] of cases) {
    it(`${name}: exit 2 with one line per problem`, () => {
      const r = validate(name, yaml);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.startsWith(`junction: ${r.file}:\n${expected}`), r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }
});
