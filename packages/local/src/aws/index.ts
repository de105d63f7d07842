export { arn, LOCAL_ACCOUNT_ID, LOCAL_REGION } from "./account.ts";
export {
  type AwsRequest,
  AwsRequestError,
  escapeXml,
  type LocalService,
  queryErrorXml,
  readBody,
  sendAwsError,
  sendJson,
  sendQueryError,
} from "./http.ts";
