import { checkGatewayConfig } from "@junction/gateway/check";
import type { ReportProblem } from "../path.ts";
import { servedGateway, servedRouteOrigins } from "./operation-routes.ts";
import type { JunctionConfig } from "./schema.ts";

/**
 * The meaning of `gateway:` as `junction run` / `up` serve it: its routes and those generated from
 * `operations:` go through the gateway's own checks (auth off loopback, credentials, forwarded headers,
 * tenant binding …), each problem reported where the route is written.
 */
export function checkGateway(config: JunctionConfig, report: ReportProblem): void {
  const served = servedGateway(config);
  if (served === undefined) return;
  const origins = servedRouteOrigins(config);
  const problems = checkGatewayConfig(served, { routeName: (i) => origins[i]?.name ?? `routes[${i}]` });
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
