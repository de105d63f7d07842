import type { Message } from "@aws-sdk/client-sqs";
import { validateSubject } from "@junction/sdk";
import { INBOUND_VOCABULARY } from "../config/check.ts";
import type { InboundConfig } from "../config/inbound-schema.ts";
import { MappingError } from "../errors.ts";
import { jsonPath } from "../targets/message.ts";
import { compileTemplate, type TemplateScope, type TemplateValue } from "../templates/index.ts";
import { restoreIdentity } from "./attributes.ts";
import type { Mapped } from "./poller.ts";

const encoder = new TextEncoder();

/** An `inbound:` queue's messages: the body as payload, on the subject its `to` template names. */
export function queueMapper(config: InboundConfig, queueName: string): (message: Message) => Mapped {
  const to = compileTemplate(config.to, INBOUND_VOCABULARY);
  return (message) => {
    const body = message.Body ?? "";
    const id = message.MessageId ?? "";
    const subject = to.renderText(scopeOf(message, body, id));
    try {
      validateSubject(subject);
    } catch (err) {
      throw new MappingError(`"${config.to}" gave an invalid subject: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return {
      kind: "publish",
      publication: {
        subject,
        data: encoder.encode(body),
        ...restoreIdentity(message, id, `sqs:${queueName}`),
      },
    };
  };
}

function scopeOf(message: Message, body: string, id: string): TemplateScope {
  let json: { value: TemplateValue } | undefined;
  const parsed = (): TemplateValue => {
    if (json === undefined) {
      try {
        json = { value: JSON.parse(body) as TemplateValue };
      } catch (err) {
        throw new MappingError(`message body is not JSON (${(err as Error).message})`, { cause: err });
      }
    }
    return json.value;
  };
  return {
    capture: () => undefined,
    builtin(name, arg) {
      switch (name) {
        case "attr": {
          const value = message.MessageAttributes?.[arg ?? ""]?.StringValue;
          if (value === undefined || value === "")
            throw new MappingError(`message attribute "${arg}" is missing`);
          return value;
        }
        case "json":
          return arg === undefined ? parsed() : jsonPath(parsed(), arg);
        case "body":
          return body;
        case "id":
          return id;
        default:
          throw new MappingError(`unknown built-in "$${name}"`);
      }
    },
  };
}
