export { JunctionError } from "./errors.ts";
