// Safe mrkdwn from untrusted text: escaping, length limits that never cut an entity or an emoji in half,
// mentions and Slack's localised date token.
import { GOLIVE_ACTOR } from '../../domain/go-live.js';
import type { Actor } from '../../domain/go-live.js';

/** Escape the three characters Slack reserves (`&`, `<`, `>`): nothing else. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export { ELLIPSIS, truncate } from '../../domain/text.js';
import { ELLIPSIS, graphemes } from '../../domain/text.js';

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Escape, then keep within `max` escaped characters without cutting an `&amp;` in two. */
export function escapeTruncate(s: string, max: number, escape: (s: string) => string = escapeMrkdwn): string {
  const escaped = escape(s);
  if (escaped.length <= max) return escaped;
  if (max <= 0) return '';
  let out = '';
  for (const g of graphemes(s, max)) {
    const e = g.length === 1 && escape === escapeMrkdwn ? (ENTITY[g] ?? g) : escape(g);
    if (out.length + e.length > max - ELLIPSIS.length) break;
    out += e;
  }
  return out.trimEnd() + ELLIPSIS;
}

// C0/C1 controls, DEL, zero-width and bidi overrides: invisible characters that can disguise a name.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** One line of user text: invisible characters removed, whitespace runs collapsed, trimmed. */
export function cleanLine(s: string): string {
  return s
    .replace(/\r\n|[\r\n\t]/g, ' ')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Longest service name the builders budget for (service ≤ 80, environment ≤ 40: NAME_MAX). */
export const NAME_MAX = { service: 80, environment: 40, url: 500 } as const;

/** A user-given name (service, environment) ready for mrkdwn or plain_text: cleaned, escaped, shortened. */
export function safeName(s: string, max: number = NAME_MAX.service): string {
  const cleaned = cleanLine(s);
  return cleaned.length === 0 ? '?' : escapeTruncate(cleaned, max);
}

/**
 * For plain_text (headers, option labels): `<` and `>` escaped so no markup can survive, `&` kept readable
 * ("Reverse Proxy & Web Server") unless it would read as an entity.
 */
export function escapePlain(s: string): string {
  return s
    .replace(/&(?=#?\w+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A user- or template-given name for plain_text: cleaned, `<`/`>` escaped, shortened. */
export function plainName(s: string, max: number = NAME_MAX.service): string {
  const cleaned = cleanLine(s);
  return cleaned.length === 0 ? '?' : escapeTruncate(cleaned, max, escapePlain);
}

/** Free text such as a reason: cleaned to one line, escaped, shortened. */
export function safeText(s: string, max: number): string {
  return escapeTruncate(cleanLine(s), max);
}

const USER_ID = /^[UW][A-Z0-9]+$/;
const USER_MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>$/;
const SUBTEAM_MENTION = /^<!subteam\^([A-Z0-9]+)(?:\|[^<>]*)?>$/;

/** Who did something: a mention for a Slack user, "Golive" for the bot's own checks, escaped text otherwise. */
export function mention(actor: Actor): string {
  if (actor === GOLIVE_ACTOR) return 'Golive';
  if (USER_ID.test(actor)) return `<@${actor}>`;
  const m = USER_MENTION.exec(actor);
  if (m) return `<@${m[1]}>`;
  return safeName(actor, 40);
}

/**
 * A person or group as Slack sends it (`<@U1>`, `<@U1|dana>`, `<!subteam^S1|@dba>`), normalised to the bare
 * mention; anything else is shown as escaped text so it can never ping a channel.
 */
export function roleMention(raw: string): string {
  const s = raw.trim();
  if (USER_ID.test(s)) return `<@${s}>`;
  const user = USER_MENTION.exec(s);
  if (user) return `<@${user[1]}>`;
  const team = SUBTEAM_MENTION.exec(s);
  if (team) return `<!subteam^${team[1]}>`;
  return safeName(s, 60);
}

function isoMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Slack's date token: the reader's client shows it in their own time zone; the fallback is UTC. */
export function slackDate(ms: number, fallback?: string): string {
  const unix = Math.floor(ms / 1000);
  const fb = (fallback ?? isoMinute(ms)).replace(/[|<>]/g, ' ');
  return `<!date^${unix}^{date_short_pretty} {time}|${fb}>`;
}

/** A link whose URL came from a user: only http(s), escaped, label shortened; otherwise escaped text. */
export function safeLink(url: string, label?: string, labelMax = 80): string {
  const cleaned = cleanLine(url);
  let parsed: URL | undefined;
  try {
    parsed = new URL(cleaned);
  } catch {
    parsed = undefined;
  }
  const shown = safeText(label ?? cleaned, labelMax);
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return shown;
  // `|` would end the URL part of the link early; `<>` are escaped like any text.
  const href = escapeMrkdwn(parsed.href.replace(/\|/g, '%7C'));
  return `<${href}|${shown.replace(/\|/g, '¦')}>`;
}
