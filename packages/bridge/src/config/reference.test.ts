import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { configJsonSchema, renderConfigReference } from "./reference.ts";

const repo = new URL("../../../../", import.meta.url);
const committed = (path: string) => readFileSync(new URL(path, repo), "utf8");
const stale = "is stale: run `npm run generate` and commit the result";

describe("generated config artefacts", () => {
  it("packages/bridge/schema/junction.schema.json matches the schema", () => {
    assert.equal(
      committed("packages/bridge/schema/junction.schema.json"),
      `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
      `junction.schema.json ${stale}`,
    );
  });

  it("docs/config-reference.md matches the schema", () => {
    assert.equal(
      committed("docs/config-reference.md"),
      renderConfigReference(),
      `config-reference.md ${stale}`,
    );
  });

  it("documents every target type and top-level section", () => {
    const doc = renderConfigReference();
    for (const heading of ["eventbridge", "sqs", "dynamodb", "lambda"])
      assert.match(doc, new RegExp(`type: ${heading}\``));
    for (const field of [
      "nats",
      "aws",
      "local",
      "functions",
      "streams",
      "routes",
      "inbound",
      "kv",
      "gateway",
    ]) {
      assert.match(doc, new RegExp(`\\| \`${field}\` \\|`));
    }
  });
});
