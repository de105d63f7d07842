import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ConformanceFixture } from "../../testdata/conformance.ts";

// The function records each invocation as a file named after the message's `n`.
const outputs = new Map<string, string>();

export const fixture: ConformanceFixture = {
  entry: (fn) => `{ type: lambda, function: ${fn}, payload: { n: "{$json.n}", payload: "{$json}" } }`,
  batchCommand: "InvokeCommand",
  functions(dir, fn) {
    const out = join(dir, `${fn}-out`);
    mkdirSync(out, { recursive: true });
    outputs.set(fn, out);
    writeFileSync(
      join(dir, `${fn}.mjs`),
      `import { writeFileSync } from "node:fs";
import { join } from "node:path";
export const handler = async (event) => { writeFileSync(join(${JSON.stringify(out)}, event.n), ""); };
`,
    );
    return { [fn]: { handler: `./${fn}.mjs#handler` } };
  },
  // Served from `functions`.
  create: async () => {},
  async arrived(_local, fn) {
    const out = outputs.get(fn);
    if (out === undefined) return [];
    const names = readdirSync(out);
    for (const name of names) rmSync(join(out, name));
    return names;
  },
};
