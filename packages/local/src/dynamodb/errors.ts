/** A DynamoDB or DynamoDB Streams error the edge answers itself (`__type` as AWS spells it). */
export class DynamoDbRequestError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "DynamoDbRequestError";
  }
}
