import { Headers, type MessageIdentity } from "../identity/index.ts";
import type { ValidationIssue } from "./ack.ts";

/**
 * A validation function: returns the problems it found (an empty list, `undefined` or nothing when the
 * command is valid; a string is one problem without a path). It may also throw `CommandRejectedError`.
 */
export type CommandValidator = (
  data: unknown,
  command: { readonly subject: string; readonly identity: MessageIdentity },
) =>
  | readonly ValidationIssue[]
  | string
  | undefined
  | Promise<readonly ValidationIssue[] | string | undefined>;

/**
 * A schema with `safeParse` (zod's shape, structurally; the SDK depends on no schema library). The
 * parsed value is what the handler gets, so a schema can coerce and default.
 */
export interface CommandSchema<T> {
  safeParse(data: unknown):
    | { readonly success: true; readonly data: T }
    | {
        readonly success: false;
        readonly error: {
          readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
        };
      };
}

export type Validation<T> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

/**
 * docs/protocol.md: a root message (no causation id) has correlation id = its own id. A command that
 * claims to start a conversation under another one's id is refused before anything runs.
 */
export function rootIdentityIssue(identity: MessageIdentity): ValidationIssue | undefined {
  if (identity.causationId !== undefined || identity.correlationId === identity.id) return undefined;
  return {
    path: Headers.CorrelationId,
    message: `a root command (no ${Headers.CausationId}) must have correlation id = its message id (${identity.id}), got ${identity.correlationId}`,
  };
}

export async function validate<T>(
  data: unknown,
  command: { readonly subject: string; readonly identity: MessageIdentity },
  schema: CommandSchema<T> | undefined,
  validator: CommandValidator | undefined,
): Promise<Validation<T>> {
  let value = data as T;
  if (schema !== undefined) {
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: i.path.map(String).join("."),
        message: i.message,
      }));
      return { ok: false, issues };
    }
    value = parsed.data;
  }
  if (validator !== undefined) {
    const found = await validator(value, command);
    const issues = typeof found === "string" ? [{ path: "", message: found }] : (found ?? []);
    if (issues.length > 0) return { ok: false, issues };
  }
  return { ok: true, data: value };
}

/** "amount: must be positive; items: required" — the reason line of a rejected acknowledgement. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`)).join("; ");
}
