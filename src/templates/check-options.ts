// The options each check kind reads from a template item (`check: { kind: health, paths: […] }`). Checks
// fall back to defaults on odd values; here a typo or a wrong type is refused before a go-live starts.
import { isIP } from 'node:net';
import * as z from 'zod';
import type { CheckKind } from '../domain/check-kind.js';

// Paths are relative to the go-live's URL: a full URL here would point a check at another host.
const urlPath = z
  .string()
  .max(200, { error: 'a path must be at most 200 characters' })
  .regex(/^\/(?!\/)[^\s]*$/, { error: 'expected a path on the target such as "/health/ping"' });
const paths = z.array(urlPath).min(1, { error: 'give at least one path' });
const positiveInt = (what: string) =>
  z.number().int({ error: `${what} must be a whole number` }).min(1, { error: `${what} must be at least 1` });
const ipAddress = z.string().refine((value) => isIP(value) !== 0, { error: 'expected an IP address' });
const port = z.number().int().min(1).max(65535, { error: 'a port is between 1 and 65535' });

const none = z.strictObject({});

export const CHECK_OPTIONS: Record<CheckKind, z.ZodObject> = {
  health: z.strictObject({ paths: paths.optional(), slow_ms: positiveInt('slow_ms').optional() }),
  metrics: z.strictObject({ path: urlPath.optional() }),
  'tls-certificate': z.strictObject({ min_days: positiveInt('min_days').optional() }),
  'tls-protocols': none,
  'tls-ciphers': none,
  http2: none,
  'https-redirect': z.strictObject({ max_hops: positiveInt('max_hops').max(20).optional() }),
  hsts: z.strictObject({ min_max_age: positiveInt('min_max_age').optional() }),
  'security-headers': none,
  compression: z.strictObject({ path: urlPath.optional() }),
  'error-pages': none,
  cookies: z.strictObject({ paths: paths.optional() }),
  'admin-exposed': z.strictObject({ paths: paths.optional() }),
  dns: z.strictObject({ expected: z.array(ipAddress).optional(), resolvers: z.array(ipAddress).optional() }),
  'database-port': z.strictObject({
    ports: z.array(port).min(1, { error: 'give at least one port' }).optional(),
    connect_timeout_ms: positiveInt('connect_timeout_ms').optional(),
  }),
  'response-time': z
    .strictObject({ warn_ms: positiveInt('warn_ms').optional(), fail_ms: positiveInt('fail_ms').optional() })
    .refine((o) => o.warn_ms === undefined || o.fail_ms === undefined || o.warn_ms <= o.fail_ms, {
      error: 'warn_ms must not be above fail_ms',
      path: ['warn_ms'],
    }),
};
