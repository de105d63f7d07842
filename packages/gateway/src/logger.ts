/** The part of a pino logger the gateway uses; pass pino itself or a child of it. */
export interface GatewayLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Logs nothing: the default, since libraries never write to the console. */
export const silentLogger: GatewayLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
