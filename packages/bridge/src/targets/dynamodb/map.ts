import { marshall } from "@aws-sdk/util-dynamodb";
import { MappingError } from "../../errors.ts";
import {
  compileValue,
  type TemplateScope,
  type TemplateValue,
  type ValueTemplate,
} from "../../templates/index.ts";
import { compileField } from "../compile-field.ts";
import type { CompiledTarget, TargetCompileContext } from "../types.ts";
import type { DynamoDbTargetConfig } from "./config.ts";
import { buildUpdateExpression, GENERATED_NAME, GENERATED_VALUE } from "./expression.ts";

const MARSHALL = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

export function compileDynamoDbTarget(
  config: DynamoDbTargetConfig,
  ctx: TargetCompileContext,
): CompiledTarget {
  const update = config.set !== undefined || config.add !== undefined || config.remove !== undefined;
  if (update && config.item !== undefined) {
    ctx.report(
      [...ctx.path, "item"],
      "use either `item` (PutItem) or `set` / `add` / `remove` (UpdateItem), not both",
    );
  }
  if (!update && config.item === undefined) {
    ctx.report(ctx.path, "needs `item` (PutItem) or at least one of `set`, `add`, `remove` (UpdateItem)");
  }
  if (update && config.key === undefined)
    ctx.report([...ctx.path, "key"], "is required with set / add / remove");
  const keyNames = Object.keys(config.key ?? {});
  for (const [field, attrs] of [
    ["set", Object.keys(config.set ?? {})],
    ["add", Object.keys(config.add ?? {})],
    ["remove", config.remove ?? []],
  ] as const) {
    for (const attr of attrs) {
      if (keyNames.includes(attr))
        ctx.report([...ctx.path, field], `"${attr}" is part of the key and cannot be updated`);
    }
  }
  const condition =
    typeof config.condition === "string" ? { expression: config.condition } : config.condition;
  for (const placeholder of [
    ...Object.keys(condition?.names ?? {}),
    ...Object.keys(condition?.values ?? {}),
  ]) {
    if (GENERATED_NAME.test(placeholder) || GENERATED_VALUE.test(placeholder)) {
      ctx.report(
        [...ctx.path, "condition"],
        `placeholder "${placeholder}" is reserved for generated expressions`,
      );
    }
  }

  const value = (field: string, v: unknown) =>
    compileValue(v, ctx.vocabulary, [...ctx.path, field], ctx.report);
  const table = compileField(ctx, "table", config.table);
  const key = value("key", config.key ?? {});
  const set = value("set", config.set ?? {});
  const add = value("add", config.add ?? {});
  const item = value("item", config.item ?? {});
  const conditionValues = value("condition", condition?.values ?? {});
  const remove = config.remove ?? [];

  return {
    service: "dynamodb",
    onConditionFailed: config.onConditionFailed,
    map(scope) {
      const input: Record<string, unknown> = { TableName: table.renderText(scope) };
      const keyValue = renderMap(key, scope);
      for (const [attr, v] of Object.entries(keyValue)) {
        if (v === "" || (typeof v !== "string" && typeof v !== "number")) {
          throw new MappingError(
            `key attribute "${attr}" must be a non-empty string or a number, got ${JSON.stringify(v)}`,
          );
        }
      }
      let names: Record<string, string> = { ...condition?.names };
      let values: Record<string, TemplateValue> = renderMap(conditionValues, scope);
      let operation: string;
      if (update) {
        operation = "UpdateItem";
        const built = buildUpdateExpression(renderMap(set, scope), renderMap(add, scope), remove);
        input.Key = toAttributes(keyValue);
        input.UpdateExpression = built.expression;
        names = { ...built.names, ...names };
        values = { ...built.values, ...values };
      } else {
        operation = "PutItem";
        input.Item = toAttributes({ ...renderMap(item, scope), ...keyValue });
      }
      if (condition !== undefined) input.ConditionExpression = condition.expression;
      if (Object.keys(names).length > 0) input.ExpressionAttributeNames = names;
      if (Object.keys(values).length > 0) input.ExpressionAttributeValues = toAttributes(values);
      return { service: "dynamodb", operation, resource: input.TableName as string, input };
    },
  };
}

function renderMap(template: ValueTemplate, scope: TemplateScope): Record<string, TemplateValue> {
  return template.render(scope) as Record<string, TemplateValue>;
}

function toAttributes(value: Record<string, TemplateValue>): Record<string, unknown> {
  try {
    return marshall(value, MARSHALL);
  } catch (err) {
    throw new MappingError(`cannot convert to DynamoDB attributes: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
