export { type ConsoleDeps, type ConsoleHandler, createConsole } from "./handler.ts";
