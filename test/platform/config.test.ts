// Configuration as an operator meets it: each missing or malformed variable is named with its fix.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Env } from '../../src/config.js';

const httpMode: Env = { SLACK_BOT_TOKEN: 'xoxb-1-abc', SLACK_SIGNING_SECRET: 'signing-secret-value' };

function problems(env: Env): string[] {
  const result = loadConfig(env);
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.problems;
}

describe('loadConfig', () => {
  it('fills the defaults of the environment table in HTTP mode', () => {
    expect(loadConfig(httpMode)).toEqual({
      ok: true,
      config: {
        slack: { botToken: 'xoxb-1-abc', signingSecret: 'signing-secret-value', apiUrl: 'https://slack.com/api/' },
        port: 3000,
        databaseFile: './data/golive.db',
        tickMs: 15_000,
        checks: { allowedHosts: [], allowPrivate: false, timeoutMs: 5000 },
        logLevel: 'info',
      },
    });
  });

  it('reads every variable when set', () => {
    const result = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1-A1',
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
      PORT: '0',
      DATABASE_URL: 'file:./tmp/golive.db',
      GOLIVE_TEMPLATES_DIR: './my-templates',
      GOLIVE_TICK: '1s',
      CHECK_ALLOWED_HOSTS: 'status.internal, 10.0.0.0/8,192.168.1.20, fd00::/8',
      CHECK_ALLOW_PRIVATE: '1',
      CHECK_TIMEOUT_MS: '2500',
      LOG_LEVEL: 'DEBUG',
    });
    expect(result).toEqual({
      ok: true,
      config: {
        slack: { botToken: 'xoxb-1', appToken: 'xapp-1-A1', apiUrl: 'http://127.0.0.1:9999/api/' },
        port: 0,
        databaseFile: './tmp/golive.db',
        templatesDir: './my-templates',
        tickMs: 1000,
        checks: {
          allowedHosts: ['status.internal', '10.0.0.0/8', '192.168.1.20', 'fd00::/8'],
          allowPrivate: true,
          timeoutMs: 2500,
        },
        logLevel: 'debug',
      },
    });
  });

  it('keeps :memory: and treats empty values as unset', () => {
    const result = loadConfig({ ...httpMode, DATABASE_URL: ':memory:', PORT: '', LOG_LEVEL: '  ' });
    expect(result.ok && result.config).toMatchObject({ databaseFile: ':memory:', port: 3000, logLevel: 'info' });
  });

  it('names the missing tokens and where to find them', () => {
    expect(problems({})).toEqual([
      'SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions',
      'SLACK_SIGNING_SECRET is missing: copy the Signing Secret from Basic Information › App Credentials (or set SLACK_APP_TOKEN to use Socket Mode)',
    ]);
  });

  it('does not need a signing secret in Socket Mode', () => {
    const result = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(result.ok && result.config.slack).toEqual({
      botToken: 'xoxb-1',
      appToken: 'xapp-1',
      apiUrl: 'https://slack.com/api/',
    });
  });

  it('refuses tokens of the wrong kind without echoing them', () => {
    const found = problems({ SLACK_BOT_TOKEN: 'xoxp-user-token-secret', SLACK_APP_TOKEN: 'xoxb-not-app-secret' });
    expect(found).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN does not start with xoxb-: copy the Bot User OAuth Token/),
      expect.stringMatching(
        /^SLACK_APP_TOKEN does not start with xapp-: create an app-level token with the connections:write scope/,
      ),
    ]);
    expect(found.join('\n')).not.toMatch(/secret/);
  });

  it.each([
    [
      'SLACK_API_URL',
      'https://slack.com/api',
      /^SLACK_API_URL is not an http\(s\) URL ending with \/ \(got "https:\/\/slack.com\/api"\): use/,
    ],
    ['SLACK_API_URL', 'slack.com/api/', /^SLACK_API_URL is not an http\(s\) URL ending with \//],
    ['PORT', 'http', /^PORT is not a port number \(got "http"\): use a port number from 0 to 65535/],
    ['PORT', '70000', /^PORT is not a port number/],
    [
      'DATABASE_URL',
      'postgres://golive:pw@db/golive',
      /^DATABASE_URL is not a SQLite file path \(got a URL\): use a SQLite file path/,
    ],
    ['DATABASE_URL', 'file:', /^DATABASE_URL is not a SQLite file path/],
    ['GOLIVE_TICK', '15', /^GOLIVE_TICK is not a valid duration .*: use a duration such as 15s or 1s$/],
    ['GOLIVE_TICK', '0s', /^GOLIVE_TICK is not a valid duration \(a duration must be longer than zero/],
    [
      'CHECK_ALLOWED_HOSTS',
      'ok.internal,not a host,10.0.0.0/99',
      /^CHECK_ALLOWED_HOSTS has entries that are not a host, address or CIDR \("not a host", "10.0.0.0\/99"\)/,
    ],
    [
      'CHECK_ALLOW_PRIVATE',
      'yes please',
      /^CHECK_ALLOW_PRIVATE is not true or false \(got "yes please"\): use true or false/,
    ],
    ['CHECK_TIMEOUT_MS', '5s', /^CHECK_TIMEOUT_MS is not a timeout in milliseconds \(got "5s"\)/],
    ['CHECK_TIMEOUT_MS', '0', /^CHECK_TIMEOUT_MS is not a timeout/],
    [
      'LOG_LEVEL',
      'verbose',
      /^LOG_LEVEL is not a log level \(got "verbose"\): use one of trace, debug, info, warn, error, fatal$/,
    ],
  ])('refuses %s=%s with the variable and the fix', (variable, value, expected) => {
    const found = problems({ ...httpMode, [variable]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });

  it('reports every problem at once', () => {
    expect(problems({ PORT: 'x', LOG_LEVEL: 'loud' }).map((p) => p.split(' ')[0])).toEqual([
      'SLACK_BOT_TOKEN',
      'PORT',
      'LOG_LEVEL',
      'SLACK_SIGNING_SECRET',
    ]);
  });
});
