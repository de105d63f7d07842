export { arn, LOCAL_ACCOUNT_ID, LOCAL_REGION } from "./account.ts";
export { type AwsRequest, type LocalService, readBody, sendAwsError, sendJson } from "./http.ts";
