import { checkGatewayConfig, type GatewayConfigPath } from "./check.ts";
import { checkOperations } from "./check-operations.ts";
import { type GatewaySections, servedGateway, servedRouteOrigins } from "./operation-routes.ts";

/** The sections the gateway's checks read: `gateway:`, `operations:`, and the streams operations land in. */
export interface CheckedSections extends GatewaySections {
  readonly streams: readonly { readonly name: string; readonly subjects: readonly string[] }[];
}

/** Receives one problem at its junction.yaml path (`["operations", 2, "subject"]`). */
export type ReportAt = (at: GatewayConfigPath, message: string) => void;

/**
 * The meaning of `gateway:` and `operations:` as `junction run` / `up` serve them: the written routes
 * and those generated from operations go through the gateway's own checks (auth off loopback,
 * credentials, forwarded headers, tenant binding …), each problem reported where the route is written;
 * then the operation catalogue's own rules.
 */
export function checkGatewaySections(config: CheckedSections, report: ReportAt): void {
  const served = servedGateway(config);
  if (served !== undefined) {
    const origins = servedRouteOrigins(config);
    const problems = checkGatewayConfig(served, {
      routeName: (i) => origins[i]?.name ?? `routes[${i}]`,
    });
    for (const { at, message } of problems) {
      const [section, index, ...rest] = at;
      const origin = section === "routes" && typeof index === "number" ? origins[index] : undefined;
      report(origin === undefined ? ["gateway", ...at] : origin.at(rest), message);
    }
    // Durable request/reply needs a stream that captures the subject: written routes get it through an
    // operation of kind `durable`, whose stream the operation checks verify.
    config.gateway?.routes.forEach((route, i) => {
      if (route.durable !== undefined && route.request !== undefined) {
        report(
          ["gateway", "routes", i, "durable"],
          "only `publish` routes can be durable; a durable request is an operation (`operations:`, kind: durable)",
        );
      }
    });
  }
  checkOperations(config, report);
}
