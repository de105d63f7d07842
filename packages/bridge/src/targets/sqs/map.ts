import { MappingError } from "../../errors.ts";
import type { Template, TemplateScope } from "../../templates/index.ts";
import { byteLength, compileField } from "../compile-field.ts";
import type { CompiledTarget, TargetCompileContext } from "../types.ts";
import type { SqsTargetConfig } from "./config.ts";

/** SQS limits: 1 MiB per message (body + attributes), 10 attributes, 128-character group/dedup ids. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
export const MAX_ATTRIBUTES = 10;
const MAX_ID_LENGTH = 128;

interface CompiledAttribute {
  readonly name: string;
  readonly type: "String" | "Number";
  readonly value: Template;
}

export function compileSqsTarget(config: SqsTargetConfig, ctx: TargetCompileContext): CompiledTarget {
  const fifo = config.queue.endsWith(".fifo");
  if (fifo && config.groupId === undefined) {
    ctx.report([...ctx.path, "groupId"], 'is required for a FIFO queue (e.g. groupId: "{domain}")');
  }
  if (!fifo && config.dedupId !== undefined) {
    ctx.report([...ctx.path, "dedupId"], "only applies to FIFO queues (queue names ending in .fifo)");
  }
  if (config.createQueue && /^https?:\/\//.test(config.queue)) {
    ctx.report([...ctx.path, "createQueue"], "needs a queue name: a queue URL names a queue that exists");
  }
  if (fifo && config.delaySeconds !== undefined) {
    ctx.report([...ctx.path, "delaySeconds"], "FIFO queues do not support a per-message delay");
  }
  const attributeEntries = Object.entries(config.attributes ?? {});
  if (attributeEntries.length > MAX_ATTRIBUTES) {
    ctx.report(
      [...ctx.path, "attributes"],
      `has ${attributeEntries.length} attributes; SQS allows ${MAX_ATTRIBUTES}`,
    );
  }

  const queue = compileField(ctx, "queue", config.queue);
  const body = compileField(ctx, "body", config.body);
  const groupId = config.groupId === undefined ? undefined : compileField(ctx, "groupId", config.groupId);
  const dedupId = fifo ? compileField(ctx, "dedupId", config.dedupId ?? "{$id}") : undefined;
  const attrCtx = { ...ctx, path: [...ctx.path, "attributes"] };
  const attributes: CompiledAttribute[] = attributeEntries.map(([name, spec]) =>
    typeof spec === "string"
      ? { name, type: "String", value: compileField(attrCtx, name, spec) }
      : {
          name,
          type: spec.type,
          value: compileField({ ...attrCtx, path: [...attrCtx.path, name] }, "value", spec.value),
        },
  );

  return {
    service: "sqs",
    ...(groupId === undefined ? {} : { orderingKey: groupId }),
    map(scope) {
      const queueText = queue.renderText(scope);
      const isUrl = /^https?:\/\//.test(queueText);
      const input: Record<string, unknown> = {};
      if (isUrl) input.QueueUrl = queueText;
      const messageBody = body.renderText(scope);
      if (messageBody === "")
        throw new MappingError("SQS message body is empty (SQS needs at least one character)");
      input.MessageBody = messageBody;
      if (config.delaySeconds !== undefined) input.DelaySeconds = config.delaySeconds;
      if (groupId !== undefined) input.MessageGroupId = boundedId("MessageGroupId", groupId, scope);
      if (dedupId !== undefined)
        input.MessageDeduplicationId = boundedId("MessageDeduplicationId", dedupId, scope);
      let size = byteLength(messageBody);
      if (attributes.length > 0) {
        const rendered: Record<string, { DataType: string; StringValue: string }> = {};
        for (const attr of attributes) {
          const value = attr.value.renderText(scope);
          if (value === "")
            throw new MappingError(`SQS attribute "${attr.name}" is empty (SQS rejects empty values)`);
          if (attr.type === "Number" && !Number.isFinite(Number(value))) {
            throw new MappingError(`SQS attribute "${attr.name}" is not a number: ${JSON.stringify(value)}`);
          }
          rendered[attr.name] = { DataType: attr.type, StringValue: value };
          size += byteLength(attr.name) + byteLength(attr.type) + byteLength(value);
        }
        input.MessageAttributes = rendered;
      }
      if (size > MAX_MESSAGE_BYTES) {
        throw new MappingError(`SQS message is ${size} bytes, over the ${MAX_MESSAGE_BYTES}-byte limit`);
      }
      const resource = isUrl ? (new URL(queueText).pathname.split("/").pop() ?? queueText) : queueText;
      return {
        service: "sqs",
        operation: "SendMessage",
        resource,
        input,
        ...(config.createQueue && !isUrl ? { createMissing: true as const } : {}),
      };
    },
  };
}

function boundedId(field: string, template: Template, scope: TemplateScope): string {
  const value = template.renderText(scope);
  if (value === "" || value.length > MAX_ID_LENGTH) {
    throw new MappingError(`${field} must be 1-${MAX_ID_LENGTH} characters, got ${value.length}`);
  }
  return value;
}
