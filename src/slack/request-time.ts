// Slack signs `v0:{timestamp}:{body}` and Bolt refuses a timestamp more than 5 minutes old, but not one from the
// future: a request signed ahead of time could be replayed for as long as its timestamp lies ahead. This refuses
// both directions before Bolt reads the body (the signature itself stays Bolt's to verify).
import type { HTTPReceiver } from '@slack/bolt';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/** Slack's window: a request may be at most this far from our clock, either way. */
export const REQUEST_MAX_SKEW_MS = 5 * 60 * 1000;

/** Why a request's timestamp is outside the window, or undefined when it is inside (or absent: Bolt refuses that). */
export function timestampRefusal(header: string | string[] | undefined, now: number): string | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds)) return 'timestamp is not a number';
  const skewMs = seconds * 1000 - now;
  if (skewMs > REQUEST_MAX_SKEW_MS) return `timestamp ${Math.round(skewMs / 1000)} s in the future`;
  if (-skewMs > REQUEST_MAX_SKEW_MS) return `timestamp ${Math.round(-skewMs / 1000)} s old`;
  return undefined;
}

/** Makes the receiver answer 401 to any request whose Slack timestamp is more than 5 minutes from the clock. */
export function refuseRequestsOutOfTime(receiver: HTTPReceiver, clock: Clock, logger: Logger): void {
  // Bolt's server calls `receiver.requestListener` per request, so wrapping the property wraps every request,
  // Golive's own routes included (they carry no timestamp and pass through).
  const inner = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    const refusal = timestampRefusal(req.headers['x-slack-request-timestamp'], clock.now());
    if (refusal === undefined) return inner(req, res);
    logger.warn({ url: req.url, refusal }, 'refused a Slack request outside the 5-minute window');
    // Drain what the client sends so it reads the answer instead of a reset.
    req.resume();
    res.writeHead(401).end();
  };
}
