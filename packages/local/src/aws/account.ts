/** The account and region the local stack answers for (the ones LocalStack and the emulators use). */
export const LOCAL_ACCOUNT_ID = "000000000000";
export const LOCAL_REGION = "us-east-1";

export function arn(service: string, resource: string, region = LOCAL_REGION): string {
  return `arn:aws:${service}:${region}:${LOCAL_ACCOUNT_ID}:${resource}`;
}
