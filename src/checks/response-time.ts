// `response-time`: the main URL answers under the warn and fail thresholds.
import { withHttpClient } from './http-client.js';
import { numberOption } from './options.js';
import type { Check, CheckOutcome } from './types.js';

export const RESPONSE_TIME_WARN_MS = 1000;
export const RESPONSE_TIME_FAIL_MS = 3000;

// Its own client, not the run's shared one: the time measured includes a fresh connection, as a new visitor's would.
export const responseTime: Check = (ctx, options) =>
  withHttpClient(
    { policy: ctx.policy, signal: ctx.signal, timeoutMs: ctx.timeoutMs },
    async (http): Promise<CheckOutcome> => {
      const warnMs = numberOption(options, 'warn_ms', RESPONSE_TIME_WARN_MS);
      const failMs = numberOption(options, 'fail_ms', RESPONSE_TIME_FAIL_MS);
      const response = await http.request(ctx.target.url);
      const ms = response.timings.totalMs;
      const evidence = {
        url: response.url,
        status: response.status,
        ms,
        headersMs: response.timings.headersMs,
        warnMs,
        failMs,
      };
      const measured = `answered ${response.status} in ${ms} ms`;
      // A server error is the time of an error page, not of the service: nothing to judge the item on.
      if (response.status >= 500)
        return { status: 'error', summary: `${measured}: a server error (want a 2xx-4xx answer to time)`, evidence };
      if (ms >= failMs)
        return { status: 'fail', summary: `${measured} (want < ${failMs}, ideally < ${warnMs})`, evidence };
      if (ms >= warnMs) return { status: 'warn', summary: `${measured} (want < ${warnMs})`, evidence };
      return { status: 'pass', summary: `${measured} (want < ${warnMs})`, evidence };
    },
  );
