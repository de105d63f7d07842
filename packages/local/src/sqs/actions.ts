/** The SQS actions the local SQS (fauxqs behind the edge) serves. */
export const SERVED_SQS_ACTIONS: ReadonlySet<string> = new Set([
  "ChangeMessageVisibility",
  "ChangeMessageVisibilityBatch",
  "CreateQueue",
  "DeleteMessage",
  "DeleteMessageBatch",
  "DeleteQueue",
  "GetQueueAttributes",
  "GetQueueUrl",
  "ListQueueTags",
  "ListQueues",
  "PurgeQueue",
  "ReceiveMessage",
  "SendMessage",
  "SendMessageBatch",
  "SetQueueAttributes",
  "TagQueue",
  "UntagQueue",
]);

/**
 * Every action of the SQS API (2012-11-05), so a request can be recognised as SQS by its action alone;
 * the ones not served get `UnsupportedOperation`.
 */
export const SQS_ACTIONS: ReadonlySet<string> = new Set([
  ...SERVED_SQS_ACTIONS,
  "AddPermission",
  "CancelMessageMoveTask",
  "ListDeadLetterSourceQueues",
  "ListMessageMoveTasks",
  "RemovePermission",
  "StartMessageMoveTask",
]);
