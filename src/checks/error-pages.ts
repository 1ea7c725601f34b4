// `error-pages`: an unknown path gives a 404 that leaks nothing (no debugger, traceback, stack trace or dev server).
import { randomBytes } from 'node:crypto';
import { headerValue, withHttpClient } from './http-client.js';
import type { Check } from './types.js';

interface LeakPattern {
  name: string;
  pattern: RegExp;
}

const BODY_LEAKS: LeakPattern[] = [
  { name: 'Werkzeug debugger', pattern: /Werkzeug Debugger|The debugger caught an exception|__debugger__/i },
  { name: 'Python traceback', pattern: /Traceback \(most recent call last\)/ },
  {
    name: 'Django debug page',
    pattern: /You're seeing this error because you have <code>DEBUG = True<\/code>|Using the URLconf defined in/,
  },
  { name: 'Flask debug page', pattern: /flask\.debughelpers|FLASK_DEBUG/ },
  { name: 'Rails debug page', pattern: /Action Controller: Exception caught|Routing Error<\/h1>/ },
  { name: 'Laravel debug page', pattern: /Whoops! There was an error|Illuminate\\[A-Za-z]+\\/ },
  { name: 'ASP.NET error page', pattern: /Server Error in '[^']*' Application|YSOD|Stack Trace:<\/b>/ },
  { name: 'PHP error', pattern: /<b>(?:Fatal error|Warning|Parse error)<\/b>:.* on line <b>\d+<\/b>/ },
  { name: 'Java stack trace', pattern: /\bat [\w$.]+\([\w$]+\.java:\d+\)/ },
  { name: 'Node.js stack trace', pattern: /\bat (?:[\w$.<>]+ )?\(?(?:\/|[A-Z]:\\|node:)[^\s)]+:\d+:\d+\)?/ },
  { name: 'Go panic', pattern: /goroutine \d+ \[running\]/ },
];

const DEV_SERVERS =
  /Werkzeug|WSGIServer|SimpleHTTP|BaseHTTP|Development Server|webpack-dev-server|TornadoServer.*debug|PHP\/[\d.]+ Development/i;

/** What an error page gives away, if anything, with the quoted text that gave it away. */
export function findLeaks(body: string, server: string | undefined): Array<{ leak: string; quote: string }> {
  const leaks: Array<{ leak: string; quote: string }> = [];
  for (const { name, pattern } of BODY_LEAKS) {
    const match = pattern.exec(body);
    if (match) leaks.push({ leak: name, quote: match[0].slice(0, 80) });
  }
  if (server && DEV_SERVERS.test(server)) leaks.push({ leak: 'development server', quote: `Server: ${server}` });
  return leaks;
}

export const errorPages: Check = (ctx) =>
  withHttpClient(ctx, async (http) => {
    const path = `/golive-probe-${randomBytes(6).toString('hex')}`;
    const response = await http.request(new URL(path, ctx.target.url), { headers: { accept: 'text/html' } });
    const server = headerValue(response.headers, 'server');
    const leaks = findLeaks(response.body, server);
    const evidence = { path, status: response.status, server: server ?? null, leaks, bodyBytes: response.body.length };
    if (leaks.length > 0) {
      const first = leaks[0];
      return {
        status: 'fail',
        summary: `${path} → ${response.status} leaks ${leaks.map((l) => l.leak).join(', ')}: "${first?.quote ?? ''}" (want a plain 404)`,
        evidence,
      };
    }
    if (response.status !== 404) {
      return { status: 'fail', summary: `unknown path ${path} → ${response.status} (want 404)`, evidence };
    }
    return { status: 'pass', summary: `unknown path → 404, nothing leaked (want 404, no debug output)`, evidence };
  });
