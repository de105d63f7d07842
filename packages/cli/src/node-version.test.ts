// The lowest supported Node is written in three languages: every package's `engines`, the setup
// script's check (bash) and the `junction` launcher's (JavaScript). This keeps them one number.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";

const root = new URL("../../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

const engineOf = (path: string) => {
  const engine = (JSON.parse(read(path)) as { engines?: { node?: string } }).engines?.node;
  const m = /^>=(\d+)\.(\d+)\.0$/.exec(engine ?? "");
  assert.ok(m, `${path}: engines.node is ">=X.Y.0" (found ${engine})`);
  return `${m[1]}.${m[2]}`;
};

describe("the lowest supported Node", () => {
  const manifests = [
    "package.json",
    ...readdirSync(new URL("packages/", root)).map((p) => `packages/${p}/package.json`),
  ];
  const lowest = engineOf("package.json");

  it("is the same in every package's engines", () => {
    for (const path of manifests) assert.equal(engineOf(path), lowest, path);
  });

  it("is what scripts/lib/common.sh checks and names", () => {
    const [major, minor] = lowest.split(".");
    const sh = read("scripts/lib/common.sh");
    assert.ok(sh.includes(`a>${major}||(a===${major}&&b>=${minor})`), "node_supported compares with it");
    assert.ok(sh.includes(`(${lowest}+`), "the error message names it");
  });

  it("is what the junction launcher checks and names", () => {
    const [major, minor] = lowest.split(".");
    const js = read("packages/cli/bin/junction.js");
    assert.ok(js.includes(`major < ${major} || (major === ${major} && minor < ${minor})`), "the check");
    assert.ok(js.includes(`(${lowest}+`), "the message");
  });
});
