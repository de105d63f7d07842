export {
  createSagaCoordinator,
  type SagaCoordinator,
  type SagaCoordinatorConfig,
} from "./coordinator.ts";
export {
  coveringFilter,
  defineSaga,
  type Saga,
  type SagaAction,
  type SagaDefinition,
  type SagaStep,
  type SagaView,
} from "./definition.ts";
export { SagaConflictError, SagaDefinitionError, SagaErrorCode, SagaExistsError } from "./errors.ts";
export {
  type OutboxMessage,
  type PendingAction,
  type SagaFault,
  type SagaOutcome,
  type SagaState,
  type SagaStatus,
  sagaKey,
} from "./state.ts";
