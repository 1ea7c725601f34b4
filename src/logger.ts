// Structured logs (pino). Tokens, secrets and authorization headers are redacted by path, and any Slack token
// that slips into a message string (Bolt and web-api debug lines) is masked before it is written.
import { pino } from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import type { Logger as BoltLogger } from '@slack/bolt';
import type { Config } from './config.js';

export type Logger = PinoLogger;

/** Paths pino replaces with `[redacted]` wherever they appear in a logged object. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'slack.botToken',
  'slack.appToken',
  'slack.signingSecret',
  'config.slack.botToken',
  'config.slack.appToken',
  'config.slack.signingSecret',
  'authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'headers["x-slack-signature"]',
  '*.headers["x-slack-signature"]',
  'password',
  '*.password',
  'secret',
  '*.secret',
];

// xoxb-/xoxp-/xoxa-/xoxr-/xoxs-/xoxe- and app-level xapp- tokens, as they appear inside free text.
const TOKEN_IN_TEXT = /\b(xox[abeprs]|xapp)-[A-Za-z0-9-]+/g;

export function maskTokens(text: string): string {
  return text.replace(TOKEN_IN_TEXT, '$1-[redacted]');
}

export interface LoggerOptions {
  level?: Config['logLevel'] | 'silent';
  /** Where lines go (default stdout); tests pass a stream to read what was logged. */
  destination?: DestinationStream;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'golive',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a: unknown) => (typeof a === 'string' ? maskTokens(a) : a)) as Parameters<
            typeof method
          >;
          method.apply(this, masked);
        },
      },
    },
    options.destination,
  );
}

type BoltLevel = ReturnType<BoltLogger['getLevel']>;

/** Bolt's Logger interface on top of a pino child, so Bolt, web-api and socket-mode lines are structured too. */
export function toBoltLogger(logger: Logger, name = 'bolt'): BoltLogger {
  let child = logger.child({ component: name });
  const line = (msg: unknown[]): string =>
    msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => child.debug(line(msg)),
    info: (...msg: unknown[]) => child.info(line(msg)),
    warn: (...msg: unknown[]) => child.warn(line(msg)),
    error: (...msg: unknown[]) => child.error(line(msg)),
    setLevel: (level) => {
      child.level = String(level);
    },
    // Bolt's LogLevel is a string enum whose values are pino's level names.
    getLevel: () => (['debug', 'info', 'warn', 'error'].includes(child.level) ? child.level : 'error') as BoltLevel,
    setName: (newName: string) => {
      child = logger.child({ component: newName });
    },
  };
}
