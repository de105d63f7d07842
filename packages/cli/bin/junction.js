#!/usr/bin/env node
// Runs the built CLI. `npm run build` (done by scripts/setup.sh) produces dist/.
import { existsSync } from "node:fs";

const main = new URL("../dist/main.js", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("junction: not built yet; run `npm run setup` (or `npm run build`) first\n");
  process.exit(1);
}
await import(main.href);
