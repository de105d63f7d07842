/**
 * The AWS resources a target entry needs, as `junction provision` is told them. Names are templates:
 * provisioning creates the ones that do not depend on the message and lists the others as skipped.
 */
export interface TargetResources {
  /** An SQS queue with its dead-letter queue; `createdOnUse`: the sender creates it (`createQueue`). */
  queue(name: string, options?: { readonly createdOnUse?: boolean }): void;
  /** A DynamoDB table with these key attributes (values as in the entry), when the entry gives them. */
  table(name: string, key: Readonly<Record<string, unknown>> | undefined): void;
  /** An EventBridge bus (`default` and ARNs name buses that exist already). */
  bus(name: string): void;
}

/** What creating or checking one resource came to. */
export interface ResourceOutcome {
  readonly outcome: "created" | "updated" | "unchanged";
  readonly detail?: string;
}
