// manifest.yml must validate against Slack's published app-manifest schema and ask only for what the bot uses.
import { existsSync, readFileSync } from 'node:fs';
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

  it.runIf(!existsSync(schemaFile))(`skips the schema check: ${schemaFile} does not exist (put shared/ beside the clone)`, () => {
    expect(existsSync(schemaFile)).toBe(false);
  });

  it('declares /golive with its usage and one request URL for commands and interactivity', () => {
    const [command] = manifest.features.slash_commands;
    expect(command).toMatchObject({ command: '/golive', url: 'https://YOUR-HOST/slack/events', should_escape: true });
    expect(command?.usage_hint).toMatch(/^start <service>/);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: 'https://YOUR-HOST/slack/events' });
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('asks only for the bot scopes Golive uses, each explained in the README', () => {
    const scopes = manifest.oauth_config.scopes.bot;
    expect(scopes).toEqual(['commands', 'chat:write', 'chat:write.public', 'users:read', 'usergroups:read']);
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    for (const scope of scopes) expect(readme).toContain(`| \`${scope}\` |`);
  });
});
