// The only reader of process.env: zod over README.md's environment table. A bad value becomes one problem
// line naming the variable and the fix; secret values are never echoed back.
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { parseDuration } from './domain/duration.js';

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

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i;

function isHostOrCidr(entry: string): boolean {
  if (entry.includes('/')) return ipaddr.isValidCIDR(entry);
  return ipaddr.isValid(entry) || HOSTNAME.test(entry);
}

/** The fix for each variable, appended to every problem about it. */
const FIX = {
  SLACK_BOT_TOKEN: 'copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions',
  SLACK_SIGNING_SECRET:
    'copy the Signing Secret from Basic Information › App Credentials (or set SLACK_APP_TOKEN to use Socket Mode)',
  SLACK_APP_TOKEN:
    'create an app-level token with the connections:write scope under Basic Information › App-Level Tokens (xapp-…), or unset it to use HTTP mode',
  SLACK_API_URL: 'use the Web API base URL ending with a slash, e.g. https://slack.com/api/',
  PORT: 'use a port number from 0 to 65535, e.g. 3000',
  DATABASE_URL: 'use a SQLite file path such as ./data/golive.db (a file: prefix is allowed) or :memory:',
  GOLIVE_TICK: 'use a duration such as 15s or 1s',
  CHECK_ALLOWED_HOSTS:
    'use a comma-separated list of host names, IP addresses or CIDRs, e.g. status.internal,10.0.0.0/8',
  CHECK_ALLOW_PRIVATE: 'use true or false (1 or 0)',
  CHECK_TIMEOUT_MS: 'use a whole number of milliseconds from 1 to 600000, e.g. 5000',
  LOG_LEVEL: `use one of ${LOG_LEVELS.join(', ')}`,
} as const;

const problem = (variable: keyof typeof FIX, what: string): string => `${variable} ${what}: ${FIX[variable]}`;

// Values are shown back only for variables that are not secrets, shortened so a pasted blob stays one line.
const shown = (value: unknown): string => JSON.stringify(String(value).slice(0, 80));

// The automatic checks' variables: the bot and `golive check` read them with the same rules.
const CheckEnvSchema = z.object({
  CHECK_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const entries = v
        .split(',')
        .map((e) => e.trim())
        .filter((e) => e.length > 0);
      const bad = entries.filter((e) => !isHostOrCidr(e));
      if (bad.length === 0) return entries;
      ctx.addIssue({
        code: 'custom',
        message: problem(
          'CHECK_ALLOWED_HOSTS',
          `has entries that are not a host, address or CIDR (${bad.map(shown).join(', ')})`,
        ),
      });
      return z.NEVER;
    }),
  CHECK_ALLOW_PRIVATE: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      const word = v.trim().toLowerCase();
      if (word === 'true' || word === '1') return true;
      if (word === 'false' || word === '0') return false;
      ctx.addIssue({
        code: 'custom',
        message: problem('CHECK_ALLOW_PRIVATE', `is not true or false (got ${shown(v)})`),
      });
      return z.NEVER;
    }),
  CHECK_TIMEOUT_MS: z
    .string()
    .default('5000')
    .refine((v) => /^\d{1,6}$/.test(v) && Number(v) >= 1 && Number(v) <= 600_000, {
      error: (iss) => problem('CHECK_TIMEOUT_MS', `is not a timeout in milliseconds (got ${shown(iss.input)})`),
    })
    .transform(Number),
});

const EnvSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: () => problem('SLACK_BOT_TOKEN', 'is missing') })
    .refine((v) => v.startsWith('xoxb-'), { error: () => problem('SLACK_BOT_TOKEN', 'does not start with xoxb-') }),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_APP_TOKEN: z
    .string()
    .refine((v) => v.startsWith('xapp-'), { error: () => problem('SLACK_APP_TOKEN', 'does not start with xapp-') })
    .optional(),
  SLACK_API_URL: z
    .string()
    .default('https://slack.com/api/')
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol) && v.endsWith('/'), {
      error: (iss) => problem('SLACK_API_URL', `is not an http(s) URL ending with / (got ${shown(iss.input)})`),
    }),
  PORT: z
    .string()
    .default('3000')
    .refine((v) => /^\d{1,5}$/.test(v) && Number(v) <= 65535, {
      error: (iss) => problem('PORT', `is not a port number (got ${shown(iss.input)})`),
    })
    .transform(Number),
  DATABASE_URL: z
    .string()
    .default('./data/golive.db')
    .transform((v) =>
      v.startsWith('file://')
        ? decodeURIComponent(v.slice('file://'.length))
        : v.startsWith('file:')
          ? v.slice('file:'.length)
          : v,
    )
    .refine((v) => v.length > 0 && !/^[a-z][a-z0-9+.-]*:\/\//i.test(v), {
      error: (iss) =>
        problem(
          'DATABASE_URL',
          `is not a SQLite file path (got ${/:\/\//.test(String(iss.input)) ? 'a URL' : shown(iss.input)})`,
        ),
    }),
  GOLIVE_TEMPLATES_DIR: z.string().optional(),
  GOLIVE_TICK: z
    .string()
    .default('15s')
    .transform((v, ctx) => {
      const parsed = parseDuration(v);
      if (parsed.ok) return parsed.ms;
      ctx.addIssue({ code: 'custom', message: problem('GOLIVE_TICK', `is not a valid duration (${parsed.reason})`) });
      return z.NEVER;
    }),
  ...CheckEnvSchema.shape,
  LOG_LEVEL: z
    .string()
    .default('info')
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(LOG_LEVELS, { error: (iss) => problem('LOG_LEVEL', `is not a log level (got ${shown(iss.input)})`) })),
});

/** Reads the environment table of README.md. */
export function loadConfig(env: Env = process.env): ConfigResult {
  const present = presentValues(env, Object.keys(EnvSchema.shape));
  const parsed = EnvSchema.safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  if (present.SLACK_APP_TOKEN === undefined && present.SLACK_SIGNING_SECRET === undefined) {
    problems.push(problem('SLACK_SIGNING_SECRET', 'is missing'));
  }
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const e = parsed.data;
  return {
    ok: true,
    config: {
      slack: {
        botToken: e.SLACK_BOT_TOKEN,
        ...(e.SLACK_SIGNING_SECRET !== undefined ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
        ...(e.SLACK_APP_TOKEN !== undefined ? { appToken: e.SLACK_APP_TOKEN } : {}),
        apiUrl: e.SLACK_API_URL,
      },
      port: e.PORT,
      databaseFile: e.DATABASE_URL,
      ...(e.GOLIVE_TEMPLATES_DIR !== undefined ? { templatesDir: e.GOLIVE_TEMPLATES_DIR } : {}),
      tickMs: e.GOLIVE_TICK,
      checks: {
        allowedHosts: e.CHECK_ALLOWED_HOSTS,
        allowPrivate: e.CHECK_ALLOW_PRIVATE,
        timeoutMs: e.CHECK_TIMEOUT_MS,
      },
      logLevel: e.LOG_LEVEL,
    },
  };
}

export type CheckConfigResult = { ok: true; checks: Config['checks'] } | { ok: false; problems: string[] };

/** The CHECK_* variables alone, for the CLI: the same values accepted and refused as when the bot starts. */
export function loadCheckConfig(env: Env = process.env): CheckConfigResult {
  const parsed = CheckEnvSchema.safeParse(presentValues(env, Object.keys(CheckEnvSchema.shape)));
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => issue.message) };
  const e = parsed.data;
  return {
    ok: true,
    checks: { allowedHosts: e.CHECK_ALLOWED_HOSTS, allowPrivate: e.CHECK_ALLOW_PRIVATE, timeoutMs: e.CHECK_TIMEOUT_MS },
  };
}

/** Empty values count as unset, as in most .env files. */
function presentValues(env: Env, keys: readonly string[]): Record<string, string> {
  const present: Record<string, string> = {};
  for (const key of keys) {
    const value = env[key]?.trim();
    if (value !== undefined && value !== '') present[key] = value;
  }
  return present;
}

/** What the process prints before exiting when configuration is refused: one line per problem. */
export function formatConfigProblems(problems: readonly string[]): string {
  return problems.map((p) => `golive: cannot start: ${p}`).join('\n');
}
