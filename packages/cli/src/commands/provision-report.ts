import type { ProvisionAction, ProvisionPlan } from "@junction/bridge";

/** One aligned line per resource: what provisioning did to it. */
export function formatAction(action: ProvisionAction): string {
  const detail = action.detail === undefined ? "" : `  (${action.detail})`;
  return `  ${action.outcome.padEnd(9)} ${action.kind.padEnd(10)} ${action.name}${detail}\n`;
}

export function formatSkipped(plan: ProvisionPlan): string {
  return plan.skipped.map((s) => `  skipped   ${s}\n`).join("");
}
