// `compression`: asked for gzip or br, an HTML/JSON answer comes back compressed.
import { headerValue, withHttpClient } from './http-client.js';
import { stringOption } from './options.js';
import type { Check } from './types.js';

const ACCEPTED = new Set(['gzip', 'br']);

export const compression: Check = (ctx, options) =>
  withHttpClient(ctx, async (http) => {
    const path = stringOption(options, 'path', ctx.target.url.pathname + ctx.target.url.search);
    const response = await http.request(new URL(path, ctx.target.url), {
      headers: { 'accept-encoding': 'gzip, br', accept: 'text/html,application/json;q=0.9,*/*;q=0.8' },
      // Compressed bytes are not text; only the headers matter here.
      maxBodyBytes: 1024,
    });
    const encoding = headerValue(response.headers, 'content-encoding')?.trim().toLowerCase();
    const contentType = headerValue(response.headers, 'content-type')?.split(';')[0]?.trim().toLowerCase() ?? null;
    const evidence = { url: response.url, status: response.status, contentEncoding: encoding ?? null, contentType };
    const what = `${contentType ?? 'response'} ${response.status}`;
    if (encoding && encoding.split(',').some((e) => ACCEPTED.has(e.trim()))) {
      return { status: 'pass', summary: `${what} sent with Content-Encoding: ${encoding} (want gzip or br)`, evidence };
    }
    return {
      status: 'fail',
      summary: `${what} sent ${encoding ? `with Content-Encoding: ${encoding}` : 'uncompressed'} (want gzip or br)`,
      evidence,
    };
  });
