/**
 * SQS error codes: the JSON protocol's (`__type`) and the query protocol's (`<Code>`), which differ
 * for some errors. The JSON protocol also carries the query code in `x-amzn-query-error`.
 */
const QUERY_CODES: Readonly<Record<string, string>> = {
  QueueDoesNotExist: "AWS.SimpleQueueService.NonExistentQueue",
  QueueNameExists: "QueueAlreadyExists",
  QueueDeletedRecently: "AWS.SimpleQueueService.QueueDeletedRecently",
  BatchEntryIdsNotDistinct: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
  EmptyBatchRequest: "AWS.SimpleQueueService.EmptyBatchRequest",
  TooManyEntriesInBatchRequest: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
  InvalidBatchEntryId: "AWS.SimpleQueueService.InvalidBatchEntryId",
  BatchRequestTooLong: "AWS.SimpleQueueService.BatchRequestTooLong",
  PurgeQueueInProgress: "AWS.SimpleQueueService.PurgeQueueInProgress",
  UnsupportedOperation: "AWS.SimpleQueueService.UnsupportedOperation",
  MessageNotInflight: "AWS.SimpleQueueService.MessageNotInflight",
  InvalidAddress: "InvalidAddress",
};

export function queryCodeOf(jsonCode: string): string {
  return QUERY_CODES[jsonCode] ?? jsonCode;
}
