// The only reader of process.env. The loader (zod over DESIGN.md's environment table) is filled in by the
// platform work; the shape below is the contract the rest of the code uses.
export interface Config {
  slack: {
    botToken: string;
    signingSecret?: string;
    /** When set, Socket Mode is used. */
    appToken?: string;
    apiUrl: string;
  };
  port: number;
  /** A file path or `:memory:`; the `file:` prefix is already stripped. */
  databaseFile: string;
  templatesDir?: string;
  tickMs: number;
  checks: {
    allowedHosts: string[];
    allowPrivate: boolean;
    timeoutMs: number;
  };
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
}
