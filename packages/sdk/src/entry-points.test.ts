import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  exports: Record<string, { source: string; types: string; default: string }>;
};

describe("entry points", () => {
  it("every subpath in package.json exports loads from source and the dist names match it", async () => {
    for (const [path, entry] of Object.entries(manifest.exports)) {
      // A subpath names its folder, which may sit inside another (partitions live under jetstream/).
      const folder =
        path === "." ? "" : /^\.\/src\/((?:[a-z-]+\/)*[a-z-]+\/)index\.ts$/.exec(entry.source)?.[1];
      assert.ok(folder?.endsWith(path === "." ? "" : `${path.slice(2)}/`), path);
      assert.equal(entry.source, `./src/${folder}index.ts`, path);
      assert.equal(entry.types, `./dist/${folder}index.d.ts`, path);
      assert.equal(entry.default, `./dist/${folder}index.js`, path);
      const specifier = path === "." ? "@junction/sdk" : `@junction/sdk/${path.slice(2)}`;
      const module = (await import(specifier)) as Record<string, unknown>;
      assert.ok(Object.keys(module).length > 0, `${specifier} exports nothing`);
    }
  });

  it("the root holds the core and leaves the rest to its entry point", async () => {
    const root = (await import("@junction/sdk")) as Record<string, unknown>;
    for (const name of [
      "connect",
      "request",
      "serve",
      "newIdentity",
      "parsePattern",
      "jsonCodec",
      "JunctionError",
    ]) {
      assert.ok(name in root, `root lacks ${name}`);
    }
    const elsewhere = {
      jetstream: "createJetStream",
      kv: "openKv",
      streaming: "requestStream",
      saga: "defineSaga",
      replay: "createReplay",
      telemetry: "createTelemetry",
      resilience: "backoff",
      testing: "captureMessages",
    };
    for (const [path, name] of Object.entries(elsewhere)) {
      assert.ok(!(name in root), `root still exports ${name}`);
      const module = (await import(`@junction/sdk/${path}`)) as Record<string, unknown>;
      assert.ok(name in module, `@junction/sdk/${path} lacks ${name}`);
    }
  });
});
