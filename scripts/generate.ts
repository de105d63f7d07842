// Regenerates the committed artefacts derived from the config schema. A test fails when they are stale.
import { writeFileSync } from "node:fs";
import { configJsonSchema, renderConfigReference } from "@junction/bridge";

writeFileSync(
  "packages/bridge/schema/junction.schema.json",
  `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
);
writeFileSync("docs/config-reference.md", renderConfigReference());
console.log("wrote packages/bridge/schema/junction.schema.json and docs/config-reference.md");
