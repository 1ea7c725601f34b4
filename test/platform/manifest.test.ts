// manifest.yml must validate against Slack's published app-manifest schema and ask only for what the bot uses.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';

const schemaFile = resolve(packageRoot, '../shared/slack/manifest.schema.json');
const manifest = parse(readFileSync(join(packageRoot, 'manifest.yml'), 'utf8')) as {
  features: { slash_commands: { command: string; url: string; usage_hint: string; should_escape: boolean }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean };
};

function schemaValidator() {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  // Slack's schema uses two keywords of its own: `regex` (a pattern) and `_note` (a comment).
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addKeyword({
    keyword: 'regex',
    type: 'string',
    schemaType: 'string',
    validate: (pattern: string, data: string) => new RegExp(pattern).test(data),
  });
  ajv.addKeyword({ keyword: '_note' });
  return ajv.compile(schema);
}

describe('manifest.yml', () => {
  it.skipIf(!existsSync(schemaFile))(`validates against Slack's app-manifest schema (${schemaFile})`, () => {
    const validate = schemaValidator();
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The validator bites: a manifest breaking the schema is refused.
    expect(validate({ display_information: { name: 'Golive', background_color: 'green' } })).toBe(false);
    expect(validate({ ...manifest, settings: { ...manifest.settings, socket_mode: true } })).toBe(false);
  });

  it.runIf(!existsSync(schemaFile))(
    `skips the schema check: ${schemaFile} does not exist (put shared/ beside the clone)`,
    () => {
      expect(existsSync(schemaFile)).toBe(false);
    },
  );

  it('declares /golive with its usage and one request URL for commands and interactivity', () => {
    const [command] = manifest.features.slash_commands;
    expect(command).toMatchObject({ command: '/golive', url: 'https://YOUR-HOST/slack/events', should_escape: true });
    expect(command?.usage_hint).toMatch(/^start <service>/);
    expect(manifest.settings.interactivity).toEqual({
      is_enabled: true,
      request_url: 'https://YOUR-HOST/slack/events',
    });
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('asks for exactly the bot scopes the Web API methods in src/ need, each explained in the README', () => {
    const used = webApiMethodsIn(join(packageRoot, 'src'));
    const unknown = [...used].filter((method) => !(method in METHOD_SCOPES));
    expect(unknown, 'add these methods and their scopes to METHOD_SCOPES').toEqual([]);
    const needed = new Set(['commands', ...[...used].flatMap((method) => METHOD_SCOPES[method] ?? [])]);
    // Posting in a public channel the bot was not invited to: a go-live starts in any public channel.
    if (needed.has('chat:write')) needed.add('chat:write.public');
    const scopes = manifest.oauth_config.scopes.bot;
    expect([...scopes].sort()).toEqual([...needed].sort());
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    for (const scope of scopes) expect(readme).toContain(`| \`${scope}\` |`);
  });
});

/** The bot scope each Web API method needs (https://api.slack.com/methods); [] for none. */
const METHOD_SCOPES: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.delete': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.getPermalink': [],
  'views.open': [],
  'views.update': [],
  'views.push': [],
  'views.publish': [],
  'users.info': ['users:read'],
  'users.list': ['users:read'],
  'usergroups.users.list': ['usergroups:read'],
  'usergroups.list': ['usergroups:read'],
  'conversations.info': ['channels:read', 'groups:read'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'reactions.add': ['reactions:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
};

/** `client.chat.postMessage(` and `apiCall('chat.update'` in every .ts file under dir. */
function webApiMethodsIn(dir: string): Set<string> {
  const methods = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const source = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const m of source.matchAll(/\bclient\.((?:[a-z]+\.)+[a-zA-Z]+)\(/g)) if (m[1]) methods.add(m[1]);
    for (const m of source.matchAll(/apiCall\(\s*'([a-z]+(?:\.[a-zA-Z]+)+)'/g)) if (m[1]) methods.add(m[1]);
  }
  return methods;
}
