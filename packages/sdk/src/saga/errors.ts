import { JunctionError } from "../errors/index.ts";

export const SagaErrorCode = {
  Definition: "ERR_SAGA_DEFINITION",
  Exists: "ERR_SAGA_EXISTS",
  Conflict: "ERR_SAGA_CONFLICT",
} as const;

/** A saga definition that can never run (checked by `defineSaga`). */
export class SagaDefinitionError extends JunctionError {
  constructor(message: string, options?: ErrorOptions) {
    super(SagaErrorCode.Definition, message, options);
  }
}

/** This saga already runs (or ran) for this correlation id: one instance per saga and flow. */
export class SagaExistsError extends JunctionError {
  readonly saga: string;
  readonly correlationId: string;
  constructor(saga: string, correlationId: string, options?: ErrorOptions) {
    super(SagaErrorCode.Exists, `saga ${saga} already exists for correlation id ${correlationId}`, options);
    this.saga = saga;
    this.correlationId = correlationId;
  }
}

/** Other coordinators kept changing the saga's state under us; the event is retried later. */
export class SagaConflictError extends JunctionError {
  readonly key: string;
  constructor(key: string, options?: ErrorOptions) {
    super(SagaErrorCode.Conflict, `saga state ${key} kept changing; will retry`, options);
    this.key = key;
  }
}
