import assert from "node:assert/strict";
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, formatProblem } from "../errors.ts";
import { loadConfig, loadConfigFile } from "./load.ts";
import { problems } from "./testdata/problems.ts";
import { CONFIG_LIMITS } from "./yaml-limits.ts";

const route = (name: string, to: string) => `  - name: ${name}
    from: { subject: "orders.${name}" }
    to: ${to}
`;

describe("config limits: aliases, depth, size", () => {
  it("reports an alias without an anchor before it", () => {
    assert.deepEqual(problems("nats: { servers: local }\nroutes: *nope\n"), [
      "routes: alias *nope has no anchor &nope before it (line 2)",
    ]);
    // An anchor after the alias does not count.
    assert.deepEqual(problems("a: *x\nb: &x 1\n"), ["a: alias *x has no anchor &x before it (line 1)"]);
  });

  it("reports an alias inside the value it refers to", () => {
    assert.deepEqual(problems("x: &x\n  y: [1, *x]\n"), [
      "x.y[1]: alias *x refers to a value that contains it (line 2)",
    ]);
  });

  it("reports aliases that expand past the value limit (billion laughs)", () => {
    let yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (const [name, prev] of [..."bcdefg"].map((c, i) => [c, "abcdef"[i]])) {
      yaml += `${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]\n`;
    }
    assert.deepEqual(problems(yaml), ["g[0]: alias *f expands to more than 1,000,000 values (line 7)"]);
    // Wide but under the limit on any one alias: the total is what counts.
    const wide = `a: &a [${Array(900).fill("x").join(", ")}]\nb: [${Array(1200).fill("*a").join(", ")}]\n`;
    assert.deepEqual(problems(wide), [
      "(config): aliases expand the config to more than 1,000,000 values (line 1)",
    ]);
  });

  it("reports more anchors and aliases than the limit", () => {
    const limit = CONFIG_LIMITS.aliases;
    const aliases = `a: &a 1\nb: [${Array(limit).fill("*a").join(", ")}]\n`;
    assert.deepEqual(problems(aliases), [`b[${limit - 1}]: more than 10,000 anchors and aliases (line 2)`]);
    const anchors = `b: [${Array.from({ length: limit + 1 }, (_, i) => `&a${i} 1`).join(", ")}]\n`;
    assert.deepEqual(problems(anchors), [`b[${limit}]: more than 10,000 anchors and aliases (line 1)`]);
  });

  it("accepts ordinary aliases, however often one is used", () => {
    const routes = Array.from({ length: 150 }, (_, i) =>
      route(`r${i}`, i === 0 ? "&to [{ type: sqs, queue: q }]" : "*to"),
    );
    const { config } = loadConfig(`routes:\n${routes.join("")}`, { env: {} });
    assert.equal(config.routes.length, 150);
    assert.deepEqual(config.routes[149]?.to, config.routes[0]?.to);
  });

  it("reports nesting past the depth limit, written out or through aliases", () => {
    const nested = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;
    assert.deepEqual(problems(`a: ${nested(CONFIG_LIMITS.depth - 1)}\n`).length, 1); // a schema problem only
    assert.deepEqual(problems(`a: ${nested(CONFIG_LIMITS.depth)}\n`), [
      `a${"[0]".repeat(CONFIG_LIMITS.depth - 1)}: nested more than 64 levels deep (line 1)`,
    ]);
    const half = nested(40);
    assert.deepEqual(problems(`a: &a ${half}\nb: [[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]\n`), [
      `b${"[0]".repeat(25)}: nested more than 64 levels deep (aliases followed) (line 2)`,
    ]);
    // Deeper than the parser itself can go: one line, not a stack overflow.
    assert.deepEqual(problems(`a: ${nested(20_000)}\n`), [
      "(config): nested too deeply to parse (the limit is 64 levels) (line 1)",
    ]);
  });

  it("refuses a config above the size limit, before reading the file", async () => {
    const message = "(config): the config is 8,388,611 bytes; the limit is 8 MiB (8,388,608 bytes)";
    const big = `# ${"x".repeat(CONFIG_LIMITS.bytes)}\n`;
    assert.deepEqual(problems(big), [message]);
    const dir = await mkdtemp(join(tmpdir(), "junction-limits-"));
    try {
      const file = join(dir, "junction.yaml");
      await writeFile(file, "routes: []\n");
      await truncate(file, 64 * 1024 * 1024); // sparse: nothing is written, and reading it would take a while
      await assert.rejects(loadConfigFile(file), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems.map(formatProblem), [
          "(config): the config is 67,108,864 bytes; the limit is 8 MiB (8,388,608 bytes)",
        ]);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
