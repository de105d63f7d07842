import { hasControl } from "../http/text.ts";

/** Who is calling, as far as the gateway could verify. */
export interface Principal {
  readonly kind: "apiKey" | "jwt";
  /** The credential's name under `gateway.auth`. */
  readonly credential: string;
  /** The token's `sub`, for JWTs. */
  readonly subject?: string;
  readonly scopes: ReadonlySet<string>;
  /** Tenants it may act for on routes with a `tenant` (`"*"`: any); absent: none. */
  readonly tenants?: ReadonlySet<string> | "*";
}

/** The `Junction-Principal` header value: `apikey:<name>` or `jwt:<name>:<sub>`. */
export function principalHeader(p: Principal): string {
  if (p.kind === "apiKey") return `apikey:${p.credential}`;
  return `jwt:${p.credential}:${[...(p.subject ?? "")]
    .filter((ch) => !hasControl(ch))
    .join("")
    .slice(0, 256)}`;
}
