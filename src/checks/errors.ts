// Turning whatever a check threw into the one line a result shows.
import { findRefusal } from './guard.js';

export class CheckTimeoutError extends Error {
  readonly code = 'GOLIVE_CHECK_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'CheckTimeoutError';
  }
}

/** One line saying what went wrong, for a result summary. */
export function describeError(error: unknown): string {
  const refusal = findRefusal(error);
  if (refusal) return refusal.message;
  if (error instanceof CheckTimeoutError) return error.message;
  if (!(error instanceof Error)) return String(error).split('\n')[0] ?? 'unknown error';
  const cause = error.cause instanceof Error ? error.cause : undefined;
  let message = error.message || error.name;
  // undici and AggregateError hide the useful part in the cause or the inner errors.
  if (cause && cause.message && !message.includes(cause.message)) message = `${message}: ${cause.message}`;
  if (error instanceof AggregateError && error.errors[0] instanceof Error) message = error.errors[0].message;
  const code = (error as { code?: unknown }).code ?? (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && !message.includes(code)) message = `${message} (${code})`;
  return tidyOpenSsl(message.split('\n')[0] ?? message);
}

// OpenSSL errors arrive as `806C…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/…`;
// the reason text is what a person needs.
function tidyOpenSsl(message: string): string {
  const match = /[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/.exec(message);
  return match?.[1] ? message.replace(/[0-9A-F]+:error:[0-9A-F]+:.*$/, `TLS error: ${match[1]}`) : message;
}
