// Every check kind mapped to its implementation. The record type makes a missing kind a compile error.
import type { CheckKind } from '../domain/check-kind.js';
import { adminExposed } from './admin-exposed.js';
import { compression } from './compression.js';
import { cookies } from './cookies.js';
import { databasePort } from './database-port.js';
import { dns } from './dns.js';
import { errorPages } from './error-pages.js';
import { health } from './health.js';
import { hsts } from './hsts.js';
import { http2 } from './http2.js';
import { httpsRedirect } from './https-redirect.js';
import { metrics } from './metrics.js';
import { responseTime } from './response-time.js';
import { securityHeaders } from './security-headers.js';
import { tlsCertificate } from './tls-certificate.js';
import { tlsCiphers } from './tls-ciphers.js';
import { tlsProtocols } from './tls-protocols.js';
import type { Check } from './types.js';

export const checkRegistry: Readonly<Record<CheckKind, Check>> = {
  health,
  metrics,
  'tls-certificate': tlsCertificate,
  'tls-protocols': tlsProtocols,
  'tls-ciphers': tlsCiphers,
  http2,
  'https-redirect': httpsRedirect,
  hsts,
  'security-headers': securityHeaders,
  compression,
  'error-pages': errorPages,
  cookies,
  'admin-exposed': adminExposed,
  dns,
  'database-port': databasePort,
  'response-time': responseTime,
};

/** Kinds that judge the target's name resolution themselves; every other kind needs an address to observe anything. */
export const JUDGES_RESOLUTION: ReadonlySet<CheckKind> = new Set<CheckKind>(['dns']);
