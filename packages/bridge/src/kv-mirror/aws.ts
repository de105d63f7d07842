import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";

/**
 * A DynamoDB Streams client for the same AWS as `dynamodb`: the same region and credentials, and the
 * same endpoint when one was configured (DynamoDB Local serves both APIs on one port). Real AWS has a
 * separate Streams endpoint, which the SDK finds from the region.
 */
export function streamsClientFor(dynamodb: DynamoDBClient): DynamoDBStreamsClient {
  const { region, credentials, endpoint, isCustomEndpoint } = dynamodb.config;
  return new DynamoDBStreamsClient({
    region,
    credentials,
    ...(isCustomEndpoint && endpoint !== undefined ? { endpoint } : {}),
  });
}
