/** The part of a pino logger the gateway uses; pass pino itself or a child of it. */
export interface GatewayLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /** pino's: lets the gateway skip building access-log lines nobody will see. */
  isLevelEnabled?(level: string): boolean;
}

/** Logs nothing: the default, since libraries never write to the console. */
export const silentLogger: GatewayLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
