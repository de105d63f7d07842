// `junction up` under the wrappers people start it with (npx, npm scripts): stopping the wrapper, or
// killing junction outright, leaves no process and no port behind.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const main = join(dirname(fileURLToPath(import.meta.resolve("junction/package.json"))), "src", "main.ts");
const dir = mkdtempSync(join(tmpdir(), "junction-lifecycle-"));

// A project that depends on junction: its bin in node_modules/.bin (running from source, as every
// end-to-end test does: the loader comes in through NODE_OPTIONS) and an npm script that runs it.
// The project takes this repository's .npmrc, whose bash script shell execs junction in place of
// itself, so a signal npm passes to its child reaches junction.
before(() => {
  mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  copyFileSync(fileURLToPath(new URL("../../../../.npmrc", import.meta.url)), join(dir, ".npmrc"));
  const bin = join(dir, "junction.mjs");
  writeFileSync(bin, `#!/usr/bin/env node\nawait import(${JSON.stringify(main)});\n`, { mode: 0o755 });
  symlinkSync(bin, join(dir, "node_modules", ".bin", "junction"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "app", private: true, scripts: { up: "junction up" } }),
  );
  writeFileSync(
    join(dir, "junction.yaml"),
    `nats: { servers: local }
aws: { endpoint: local }
local: { natsPort: 0, awsPort: 0 }
ops: { listen: "127.0.0.1:0" }
gateway:
  listen: 127.0.0.1:0
  routes:
    - { method: POST, path: /echo, request: echo }
`,
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  readonly wrapper: ChildProcess;
  /** junction's own pid and the nats-server it started. */
  readonly pids: { junction: number; nats: number };
  readonly ports: number[];
}

async function startThrough(wrapper: "npx" | "npm"): Promise<Started> {
  const args = wrapper === "npx" ? ["junction", "up"] : ["run", "up"];
  const child = spawn(wrapper, args, {
    cwd: dir,
    env: { ...process.env, NODE_OPTIONS: `--conditions=source --import=${import.meta.resolve("tsx")}` },
    stdio: ["ignore", "pipe", "pipe"],
    // A process group of its own, as a terminal gives a command it runs: Ctrl-C signals the group.
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const end = Date.now() + 60_000;
  while (!output.includes("ready in")) {
    if (child.exitCode !== null || Date.now() > end) assert.fail(`junction up did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const endpoints = JSON.parse(readFileSync(join(dir, ".junction", "endpoints.json"), "utf8"));
  const ports = ["nats", "aws", "gateway", "ops"].map((k) => Number(new URL(endpoints[k]).port));
  assert.ok(
    ports.every((p) => p > 0),
    JSON.stringify(endpoints),
  );
  const state = readdirSync(join(dir, ".junction")).find((n) => n.startsWith("junction-")) as string;
  const natsDir = join(dir, ".junction", state, "nats");
  const portsFile = readdirSync(natsDir).find((n) => n.endsWith(".ports")) as string;
  const nats = Number(portsFile.replace(/^.*_(\d+)\.ports$/, "$1"));
  return { wrapper: child, pids: { junction: endpoints.pid, nats }, ports };
}

/** Within 15 s: neither process runs and every port is free again. */
async function assertNothingLeft(started: Started): Promise<void> {
  const end = Date.now() + 15_000;
  for (;;) {
    const running = Object.entries(started.pids).filter(([, pid]) => alive(pid));
    const held = [];
    for (const port of started.ports) if (!(await isFree(port))) held.push(port);
    if (running.length === 0 && held.length === 0) return;
    if (Date.now() > end) {
      for (const [, pid] of running) process.kill(pid, "SIGKILL");
      assert.fail(`left behind after 15 s: ${running.map(([n]) => n).join(", ")} ports ${held.join(", ")}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("junction up under a wrapper", { timeout: 300_000 }, () => {
  for (const wrapper of ["npx", "npm"] as const) {
    // npm passes SIGTERM to its shell, which dies of it without passing it on: junction sees its parent go.
    it(`stops everything when ${wrapper} gets SIGTERM`, async () => {
      const started = await startThrough(wrapper);
      started.wrapper.kill("SIGTERM");
      await assertNothingLeft(started);
    });

    // Ctrl-C in a terminal: SIGINT to every process of the foreground group.
    it(`stops everything on Ctrl-C (SIGINT to ${wrapper}'s process group)`, async () => {
      const started = await startThrough(wrapper);
      process.kill(-(started.wrapper.pid as number), "SIGINT");
      await assertNothingLeft(started);
    });

    // `kill -INT` of the wrapper alone, as a supervisor or a test runner does: npm passes it to its child.
    it(`stops everything on SIGINT to ${wrapper}'s pid alone`, async () => {
      const started = await startThrough(wrapper);
      started.wrapper.kill("SIGINT");
      await assertNothingLeft(started);
    });
  }

  it("stops nats-server when junction itself is killed outright (SIGKILL)", async () => {
    const started = await startThrough("npx");
    process.kill(started.pids.junction, "SIGKILL");
    await assertNothingLeft(started);
    started.wrapper.kill("SIGKILL");
  });
});

/** Running, and not a zombie waiting to be reaped by init. */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(" ")[2] !== "Z";
  } catch {
    return false;
  }
}

function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
