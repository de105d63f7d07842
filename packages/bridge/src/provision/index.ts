export {
  type AwsClients,
  applyProvision,
  type ProvisionAction,
  ProvisionError,
  type ProvisionOutcome,
} from "./apply.ts";
export {
  type ProvisionPlan,
  planProvision,
  type StreamPlan,
  type TablePlan,
} from "./plan.ts";
export { RULE_DESCRIPTION_PREFIX, type RulePlan } from "./rules.ts";
