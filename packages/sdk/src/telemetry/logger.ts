/**
 * The one logger interface of Junction's libraries: the part of pino they use. The CLI passes a pino
 * logger, tests a recording one; a library never writes to the console itself.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
  /** pino's: lets a caller skip building lines nobody will see. */
  isLevelEnabled?(level: string): boolean;
}

/** Logs nothing: the default, since libraries never write to the console. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
