// The `/golive` command line: text as Slack sends it → a command, or a reason and the usage to show.
// Pure: no Slack, no database. People and groups arrive escaped (`<@U123|dana>`, `<!subteam^S1|@dba>`).

export const SERVICE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/i;
export const URL_MAX_LENGTH = 500;
export const ABORT_REASON_MAX_LENGTH = 500;
/** Slack caps a command's text well below this; anything longer is not typed by a person. */
export const COMMAND_TEXT_MAX_LENGTH = 40_000;

/** The `key=` words of `start`, and the template role each people key fills. */
export const ROLE_KEYS = {
  approvers: 'approver',
  primary: 'primary',
  secondary: 'secondary',
  dba: 'dba',
  infra: 'infra',
} as const;
export type RoleKey = keyof typeof ROLE_KEYS;
const OTHER_KEYS = ['template', 'http_url'] as const;
const ALL_KEYS: readonly string[] = [...OTHER_KEYS, ...Object.keys(ROLE_KEYS)];

export interface StartArgs {
  service: string;
  environment: string;
  url?: string;
  httpUrl?: string;
  template?: string;
  /** Template role id → mentions, normalised to `<@U123>` / `<!subteam^S123>`. */
  roles: Record<string, string[]>;
}

export type GoliveCommand =
  | ({ kind: 'start' } & StartArgs)
  | { kind: 'start-modal' }
  | { kind: 'status'; service?: string }
  | { kind: 'check'; service: string; section?: string }
  | { kind: 'report'; service: string; environment?: string }
  | { kind: 'abort'; service: string; environment?: string; reason: string }
  | { kind: 'live'; service: string; environment?: string }
  | { kind: 'help' };

export type ParseFailure = { ok: false; reason: string; usage: string };
export type ParseResult = { ok: true; command: GoliveCommand } | ParseFailure;

export const USAGE = {
  start:
    '`/golive start <service> [environment] [url] [template=…] [approvers=@a,@b] [primary=@p] [secondary=@s] [dba=@d] [infra=@i] [http_url=…]`, or `/golive start` alone for a form',
  status: '`/golive status [service]`',
  check: '`/golive check <service> [section]`',
  report: '`/golive report <service> [env=<environment>]`',
  live: '`/golive live <service> [env=<environment>]`',
  abort: '`/golive abort <service> [env=<environment>] <reason…>`',
  help: '`/golive help`',
} as const;

export const FULL_USAGE = Object.values(USAGE).join('\n');

type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Escapes mrkdwn control characters so that quoted input never becomes a mention or a link. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A short, escaped quote of what the person typed, for error messages. */
export function quote(raw: string, max = 40): string {
  const chars = [...raw];
  const shown = chars.length > max ? `${chars.slice(0, max).join('')}…` : raw;
  return `\`${escape(shown).replace(/`/g, "'")}\``;
}

function checkName(raw: string, what: 'service' | 'environment' | 'template' | 'section'): Checked<string> {
  if (SERVICE_PATTERN.test(raw)) return { ok: true, value: raw.toLowerCase() };
  const length = [...raw].length;
  const why = length > 63 ? ` (it is ${length} characters long)` : '';
  return {
    ok: false,
    reason: `${quote(raw)} is not a valid ${what} name${why}: use 1–63 letters, digits, \`.\`, \`-\` or \`_\`, starting with a letter or digit.`,
  };
}

export function checkServiceName(raw: string): Checked<string> {
  return checkName(raw.trim(), 'service');
}

export function checkEnvironmentName(raw: string): Checked<string> {
  return checkName(raw.trim(), 'environment');
}

/** Slack wraps links as `<https://x>` or `<https://x|x>` when it escapes the text. */
function unwrapLink(raw: string): string {
  const match = /^<([^<>|]+)(?:\|[^<>]*)?>$/.exec(raw);
  return match?.[1] ?? raw;
}

export function checkUrl(raw: string, what = 'URL'): Checked<string> {
  const text = unwrapLink(raw.trim());
  if (text.length > URL_MAX_LENGTH) {
    return { ok: false, reason: `the ${what} is ${text.length} characters long (at most ${URL_MAX_LENGTH}).` };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: `${quote(text)} is not a valid ${what}: write it as \`https://host/path\`.` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {
      ok: false,
      reason: `the ${what} must start with \`https://\` or \`http://\`, not ${quote(url.protocol)}.`,
    };
  }
  if (url.username || url.password) {
    return { ok: false, reason: `the ${what} must not carry a user name or password.` };
  }
  return { ok: true, value: url.href.length <= URL_MAX_LENGTH ? url.href : text };
}

function looksLikeUrl(word: string): boolean {
  return /^<?https?:\/\//i.test(word) || /^<?[a-z][a-z0-9+.-]*:\/\//i.test(word);
}

const USER_MENTION = /^<@([UW][A-Z0-9]{1,20})(?:\|[^<>]*)?>$/;
const GROUP_MENTION = /^<!subteam\^(S[A-Z0-9]{1,20})(?:\|[^<>]*)?>$/;

/** One mention as Slack sends it → its normal form without the display label; undefined when not a mention. */
export function normaliseMention(raw: string): string | undefined {
  const user = USER_MENTION.exec(raw);
  if (user) return `<@${user[1]}>`;
  const group = GROUP_MENTION.exec(raw);
  if (group) return `<!subteam^${group[1]}>`;
  return undefined;
}

/** Mentions separated by commas and/or spaces: all of them, or the first word that is not one. */
export function parseMentions(raw: string): Checked<string[]> {
  const found: string[] = [];
  for (const word of raw.split(/[\s,]+/).filter((w) => w.length > 0)) {
    const mention = normaliseMention(word);
    if (!mention) {
      const hint = word.startsWith('@')
        ? ' (pick the person or group from the @ menu so that Slack sends a mention)'
        : '';
      return { ok: false, reason: `${quote(word)} is not a Slack person or group${hint}.` };
    }
    if (!found.includes(mention)) found.push(mention);
  }
  return { ok: true, value: found };
}

/** The user id in a `<@U123>` mention. */
export function mentionUserId(mention: string): string | undefined {
  return USER_MENTION.exec(mention)?.[1];
}

/** The user group id in a `<!subteam^S123>` mention. */
export function mentionGroupId(mention: string): string | undefined {
  return GROUP_MENTION.exec(mention)?.[1];
}

function fail(reason: string, usage: string): ParseFailure {
  return { ok: false, reason, usage };
}

const KEY_VALUE = /^([a-z_][a-z0-9_]*)=(.*)$/is;

/** The words of a start, split: positional words first, then `key=value` words (a key's people may run on). */
function splitStartWords(words: readonly string[]): Checked<{ positional: string[]; values: Map<string, string[]> }> {
  const positional: string[] = [];
  const values = new Map<string, string[]>();
  let lastPeopleKey: string | undefined;
  for (const word of words) {
    const keyValue = KEY_VALUE.exec(word);
    if (keyValue && !looksLikeUrl(word)) {
      const key = (keyValue[1] ?? '').toLowerCase();
      if (!ALL_KEYS.includes(key)) {
        return {
          ok: false,
          reason: `${quote(`${key}=`)} is not a key I know; keys: ${ALL_KEYS.map((k) => `\`${k}=\``).join(', ')}.`,
        };
      }
      if (values.has(key))
        return { ok: false, reason: `\`${key}=\` is given twice; give it once (people may be comma-separated).` };
      values.set(key, [keyValue[2] ?? '']);
      lastPeopleKey = key in ROLE_KEYS ? key : undefined;
      continue;
    }
    // A person after a people key belongs to it: `approvers=<@U1> <@U2>`.
    if (lastPeopleKey && word.split(',').every((part) => part === '' || normaliseMention(part))) {
      values.get(lastPeopleKey)?.push(word);
      continue;
    }
    lastPeopleKey = undefined;
    if (values.size > 0) {
      return {
        ok: false,
        reason: `${quote(word)} comes after the \`key=value\` words; put the service, environment and URL first.`,
      };
    }
    positional.push(word);
  }
  return { ok: true, value: { positional, values } };
}

/** The people of one role key's words (`dba=@dba-team`), or why they name nobody usable. */
function roleMembers(key: string, parts: readonly string[]): Checked<string[]> {
  const people = parseMentions(parts.join(' '));
  if (!people.ok) return { ok: false, reason: `\`${key}=\`: ${people.reason}` };
  if (people.value.length === 0) return { ok: false, reason: `\`${key}=\` names nobody; write \`${key}=@someone\`.` };
  return people;
}

/**
 * Role words alone (`dba=@dba-team primary=@pat`), as the start form's groups field takes them: the same keys
 * and mentions as the command, and nothing else.
 */
export function parseRoleWords(text: string): Checked<Record<string, string[]>> {
  const split = splitStartWords(
    text
      .trim()
      .split(/\s+/)
      .filter((w) => w.length > 0),
  );
  if (!split.ok) return split;
  const { positional, values } = split.value;
  const other = positional[0] ?? [...values.keys()].find((key) => !(key in ROLE_KEYS));
  if (other !== undefined) return { ok: false, reason: 'Only role=@group words here, such as dba=@dba-team.' };
  const roles: Record<string, string[]> = {};
  for (const [key, parts] of values) {
    const people = roleMembers(key, parts);
    if (!people.ok) return people;
    roles[ROLE_KEYS[key as RoleKey]] = people.value;
  }
  return { ok: true, value: roles };
}

function parseStart(words: string[]): ParseResult {
  const usage = USAGE.start;
  if (words.length === 0) return { ok: true, command: { kind: 'start-modal' } };
  const split = splitStartWords(words);
  if (!split.ok) return fail(split.reason, usage);
  const { positional, values } = split.value;

  const [serviceWord, second, third, ...extra] = positional;
  if (serviceWord === undefined) return fail('which service goes live? Give its name first.', usage);
  const service = checkServiceName(serviceWord);
  if (!service.ok) return fail(service.reason, usage);

  let environmentWord: string | undefined;
  let urlWord: string | undefined;
  if (second !== undefined && looksLikeUrl(second)) {
    urlWord = second;
    if (third !== undefined)
      return fail(`${quote(third)} comes after the URL; the order is service, environment, URL.`, usage);
  } else {
    environmentWord = second;
    urlWord = third;
  }
  if (extra.length > 0 && extra[0] !== undefined)
    return fail(`I don't know what to do with ${quote(extra[0])}.`, usage);

  const command: { kind: 'start' } & StartArgs = {
    kind: 'start',
    service: service.value,
    environment: 'production',
    roles: {},
  };
  if (environmentWord !== undefined) {
    const environment = checkEnvironmentName(environmentWord);
    if (!environment.ok) return fail(environment.reason, usage);
    command.environment = environment.value;
  }
  if (urlWord !== undefined) {
    const url = checkUrl(urlWord);
    if (!url.ok) return fail(url.reason, usage);
    command.url = url.value;
  }
  for (const [key, parts] of values) {
    const raw = parts.join(' ');
    if (key === 'template') {
      const template = checkName(raw, 'template');
      if (!template.ok) return fail(template.reason, usage);
      command.template = template.value;
    } else if (key === 'http_url') {
      const httpUrl = checkUrl(raw, 'http_url');
      if (!httpUrl.ok) return fail(httpUrl.reason, usage);
      command.httpUrl = httpUrl.value;
    } else {
      const people = roleMembers(key, parts);
      if (!people.ok) return fail(people.reason, usage);
      command.roles[ROLE_KEYS[key as RoleKey]] = people.value;
    }
  }
  return { ok: true, command };
}

function parseServiceOnly(words: string[], optional: boolean): Checked<string | undefined> & { rest?: string[] } {
  const [first, ...rest] = words;
  if (first === undefined) {
    return optional ? { ok: true, value: undefined } : { ok: false, reason: 'which service? Give its name.' };
  }
  const service = checkServiceName(first);
  if (!service.ok) return service;
  return { ok: true, value: service.value, rest };
}

/** `<service> [env=<environment>]`, nothing else (report, live). */
function parseServiceAndEnvironment(
  args: string[],
  usage: string,
): { ok: true; value: { service: string; environment?: string } } | ParseFailure {
  const parsed = parseServiceOnly(args, false);
  if (!parsed.ok || parsed.value === undefined) return fail(parsed.ok ? 'which service?' : parsed.reason, usage);
  const [envText, extra] = parsed.rest ?? [];
  const envWord = envText === undefined ? undefined : /^(?:env|environment)=(.*)$/i.exec(envText);
  if (extra !== undefined || (envText !== undefined && !envWord))
    return fail(`I don't know what to do with ${quote(extra ?? envText ?? '')}.`, usage);
  if (!envWord) return { ok: true, value: { service: parsed.value } };
  const environment = checkEnvironmentName(envWord[1] ?? '');
  if (!environment.ok) return fail(environment.reason, usage);
  return { ok: true, value: { service: parsed.value, environment: environment.value } };
}

/** Parses the text after `/golive`. */
export function parseCommand(text: string): ParseResult {
  if (text.length > COMMAND_TEXT_MAX_LENGTH) {
    return fail(`that command is ${text.length} characters long (at most ${COMMAND_TEXT_MAX_LENGTH}).`, FULL_USAGE);
  }
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const [verbWord, ...args] = words;
  const verb = verbWord?.toLowerCase();
  switch (verb) {
    case undefined:
    case 'help':
      return { ok: true, command: { kind: 'help' } };
    case 'start':
      return parseStart(args);
    case 'status': {
      const parsed = parseServiceOnly(args, true);
      if (!parsed.ok) return fail(parsed.reason, USAGE.status);
      const extra = parsed.rest?.[0];
      if (extra !== undefined) return fail(`I don't know what to do with ${quote(extra)}.`, USAGE.status);
      return {
        ok: true,
        command: parsed.value === undefined ? { kind: 'status' } : { kind: 'status', service: parsed.value },
      };
    }
    case 'check': {
      const parsed = parseServiceOnly(args, false);
      if (!parsed.ok || parsed.value === undefined)
        return fail(parsed.ok ? 'which service?' : parsed.reason, USAGE.check);
      const [sectionWord, extra] = parsed.rest ?? [];
      if (extra !== undefined) return fail(`I don't know what to do with ${quote(extra)}.`, USAGE.check);
      if (sectionWord === undefined) return { ok: true, command: { kind: 'check', service: parsed.value } };
      const section = checkName(sectionWord, 'section');
      if (!section.ok) return fail(section.reason, USAGE.check);
      return { ok: true, command: { kind: 'check', service: parsed.value, section: section.value } };
    }
    case 'report':
    case 'live': {
      const parsed = parseServiceAndEnvironment(args, USAGE[verb]);
      if (!parsed.ok) return parsed;
      return { ok: true, command: { kind: verb, ...parsed.value } };
    }
    case 'abort': {
      const parsed = parseServiceOnly(args, false);
      if (!parsed.ok || parsed.value === undefined)
        return fail(parsed.ok ? 'which service?' : parsed.reason, USAGE.abort);
      let rest = parsed.rest ?? [];
      let environment: string | undefined;
      const envWord = /^(?:env|environment)=(.*)$/i.exec(rest[0] ?? '');
      if (envWord) {
        const checked = checkEnvironmentName(envWord[1] ?? '');
        if (!checked.ok) return fail(checked.reason, USAGE.abort);
        environment = checked.value;
        rest = rest.slice(1);
      }
      // Free text: undo Slack's entity escaping; whoever shows it escapes it again.
      const reason = rest.join(' ').trim().replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
      if (reason.length === 0)
        return fail('say why the go-live is aborted: `/golive abort <service> <reason>`.', USAGE.abort);
      if (reason.length > ABORT_REASON_MAX_LENGTH) {
        return fail(
          `the reason is ${reason.length} characters long (at most ${ABORT_REASON_MAX_LENGTH}).`,
          USAGE.abort,
        );
      }
      const command: GoliveCommand = { kind: 'abort', service: parsed.value, reason };
      if (environment !== undefined) command.environment = environment;
      return { ok: true, command };
    }
    default:
      return fail(`${quote(verbWord ?? '')} is not a \`/golive\` command.`, FULL_USAGE);
  }
}
