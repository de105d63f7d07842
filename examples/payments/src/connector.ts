// The fake card connector both workers implement (Node here, Go in go-worker/): the behaviour the
// conformance test checks. Test cards, as payment sandboxes have them:
//   …0002 declined (402) · …0119 processing error (transient: retried, then 500) · anything else approved.
// `test.delayMs` delays the answer (timeouts); sync with `test.fail` answers 503 (circuit breakers).
import { randomBytes } from "node:crypto";
import { JunctionError, ServiceError } from "@junction/sdk";

export interface AuthorizeRequest {
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly card: { readonly number: string };
  readonly test?: { readonly delayMs?: number };
}

export interface Payment {
  readonly paymentId: string;
  readonly merchantId: string;
  readonly status: "authorized";
  readonly amount: number;
  readonly currency: string;
  readonly last4: string;
  readonly authorizationId: string;
}

/** A failure worth retrying (the connector did not answer): not a stored outcome. */
export class ConnectorUnavailableError extends JunctionError {
  constructor(message: string) {
    super("ERR_CONNECTOR_UNAVAILABLE", message);
  }
}

export interface Connector {
  authorize(merchantId: string, request: unknown): Promise<Payment>;
  sync(merchantId: string, request: unknown): Payment;
  /** Handler runs so far, by operation: what "never processed twice" is checked against. */
  readonly runs: { authorize: number; sync: number };
}

export function createConnector(): Connector {
  const payments = new Map<string, Payment>();
  const runs = { authorize: 0, sync: 0 };
  return {
    runs,
    async authorize(merchantId, request) {
      runs.authorize++;
      const req = checkAuthorize(request);
      const delay = Math.min(60_000, Math.max(0, req.test?.delayMs ?? 0));
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const number = req.card.number;
      if (number.endsWith("0002")) throw new ServiceError(402, "card_declined: the card was declined");
      if (number.endsWith("0119"))
        throw new ConnectorUnavailableError("processing_error: the card network did not answer");
      const key = `${merchantId}/${req.paymentId}`;
      if (payments.has(key)) throw new ServiceError(409, `payment ${req.paymentId} is already authorized`);
      const payment: Payment = {
        paymentId: req.paymentId,
        merchantId,
        status: "authorized",
        amount: req.amount,
        currency: req.currency,
        last4: number.slice(-4),
        authorizationId: `auth_${randomBytes(8).toString("hex")}`,
      };
      payments.set(key, payment);
      return payment;
    },
    sync(merchantId, request) {
      runs.sync++;
      const req = request as { paymentId?: unknown; test?: { fail?: unknown } } | null;
      if (
        typeof req !== "object" ||
        req === null ||
        typeof req.paymentId !== "string" ||
        req.paymentId === ""
      ) {
        throw new ServiceError(400, "invalid sync request: paymentId: must be a non-empty string");
      }
      if (req.test?.fail === true) throw new ServiceError(503, "connector_unavailable: try again later");
      const payment = payments.get(`${merchantId}/${req.paymentId}`);
      if (payment === undefined) throw new ServiceError(404, `no payment ${req.paymentId}`);
      return payment;
    },
  };
}

function checkAuthorize(request: unknown): AuthorizeRequest {
  const r = (typeof request === "object" && request !== null ? request : {}) as Record<string, unknown>;
  const card = (typeof r.card === "object" && r.card !== null ? r.card : {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof r.paymentId !== "string" || r.paymentId === "" || r.paymentId.length > 64)
    problems.push("paymentId: must be 1-64 characters");
  if (!Number.isInteger(r.amount) || (r.amount as number) < 1)
    problems.push("amount: must be a positive integer");
  if (typeof r.currency !== "string" || !/^[A-Z]{3}$/.test(r.currency))
    problems.push("currency: must be 3 capital letters");
  if (typeof card.number !== "string" || !/^[0-9]{12,19}$/.test(card.number))
    problems.push("card.number: must be 12-19 digits");
  if (problems.length > 0) throw new ServiceError(400, `invalid authorize request: ${problems.join("; ")}`);
  return r as unknown as AuthorizeRequest;
}
