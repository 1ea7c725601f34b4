// The automatic check kinds. These names are fixed: templates, the CLI and its JSON, and README.md use them.
export const CHECK_KINDS = [
  'health',
  'metrics',
  'tls-certificate',
  'tls-protocols',
  'tls-ciphers',
  'http2',
  'https-redirect',
  'hsts',
  'security-headers',
  'compression',
  'error-pages',
  'cookies',
  'admin-exposed',
  'dns',
  'database-port',
  'response-time',
] as const;

export type CheckKind = (typeof CHECK_KINDS)[number];

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'error';

export function isCheckKind(value: string): value is CheckKind {
  return (CHECK_KINDS as readonly string[]).includes(value);
}
