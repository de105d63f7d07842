export { bridgePermissions } from "./bridge-permissions.ts";
