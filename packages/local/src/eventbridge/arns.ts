/** Where the local EventBridge lives: every ARN it makes or accepts is in this account and Region. */
export interface Place {
  readonly region: string;
  readonly accountId: string;
}

export const DEFAULT_BUS = "default";

export function busArn(place: Place, bus: string): string {
  return `arn:aws:events:${place.region}:${place.accountId}:event-bus/${bus}`;
}

/** Rules of the default bus are `rule/<name>`, of a custom bus `rule/<bus>/<name>` (as AWS names them). */
export function ruleArn(place: Place, bus: string, rule: string): string {
  const path = bus === DEFAULT_BUS ? rule : `${bus}/${rule}`;
  return `arn:aws:events:${place.region}:${place.accountId}:rule/${path}`;
}

const BUS_ARN = /^arn:aws[\w-]*:events:([^:]*):([^:]*):event-bus\/(.+)$/;

/**
 * The bus an `EventBusName` member names (a name or a bus ARN; absent means `default`). A bus ARN of
 * another account or Region names a bus that does not exist here: `local` is false.
 */
export function busRef(place: Place, nameOrArn: string | undefined): { name: string; local: boolean } {
  if (nameOrArn === undefined || nameOrArn === "") return { name: DEFAULT_BUS, local: true };
  const m = BUS_ARN.exec(nameOrArn);
  if (m === null) return { name: nameOrArn, local: true };
  const [, region, account, name] = m as unknown as [string, string, string, string];
  return { name, local: region === place.region && account === place.accountId };
}

export type TargetKind =
  | { readonly kind: "sqs"; readonly fifo: boolean }
  | { readonly kind: "lambda" }
  | { readonly kind: "bus"; readonly name: string; readonly local: boolean }
  | { readonly kind: "unsupported"; readonly service: string };

const ARN = /^arn:aws[\w-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$/;

/** What a target ARN points at; `undefined` when it is not an ARN at all. */
export function targetKind(place: Place, arn: string): TargetKind | undefined {
  const m = ARN.exec(arn);
  if (m === null) return undefined;
  const service = m[1] as string;
  const resource = m[4] as string;
  if (service === "sqs") return { kind: "sqs", fifo: resource.endsWith(".fifo") };
  if (service === "lambda" && resource.startsWith("function:")) return { kind: "lambda" };
  if (service === "events" && resource.startsWith("event-bus/"))
    return { kind: "bus", ...busRef(place, arn) };
  return { kind: "unsupported", service };
}

/** AWS event time: ISO 8601 in UTC to the second (`2015-11-11T21:29:54Z`). */
export function eventTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
