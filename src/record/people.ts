// People in the record appear by name: Slack ids in actors and role mentions are turned into names through a
// lookup the caller fills beforehand (the Slack directory, or the names the database remembers).
import { GOLIVE_ACTOR } from '../domain/go-live.js';

/** A Slack user or group id → its display name; undefined when unknown (the id is shown then). */
export type NameOf = (id: string) => string | undefined;

export interface Person {
  /** The Slack id (`U…`, `S…`) or `golive`. */
  id: string;
  name: string;
}

const USER_MENTION = /^<@([UW][A-Z0-9]+)(?:\|([^<>]*))?>$/;
const GROUP_MENTION = /^<!subteam\^([A-Z0-9]+)(?:\|([^<>]*))?>$/;

/** Who did something, by name: "Golive" for the bot itself. */
export function person(actor: string, nameOf: NameOf): Person {
  if (actor === GOLIVE_ACTOR) return { id: actor, name: 'Golive' };
  return { id: actor, name: nameOf(actor) ?? actor };
}

/** A role member as Slack sends it (`<@U1>`, `<!subteam^S1|@dba>`), by name; other text as it is. */
export function memberOf(mention: string, nameOf: NameOf): Person {
  const user = USER_MENTION.exec(mention.trim());
  if (user?.[1]) return { id: user[1], name: nameOf(user[1]) ?? user[2] ?? user[1] };
  const group = GROUP_MENTION.exec(mention.trim());
  if (group?.[1]) return { id: group[1], name: nameOf(group[1]) ?? group[2] ?? group[1] };
  return { id: mention, name: mention };
}

/** The Slack ids a record names (actors and role members), so the caller can look them up before building it. */
export function idsToName(actors: Iterable<string>, roles: Record<string, readonly string[]>): string[] {
  const ids = new Set<string>();
  for (const actor of actors) if (actor !== GOLIVE_ACTOR) ids.add(actor);
  for (const members of Object.values(roles)) {
    for (const mention of members) {
      const id = USER_MENTION.exec(mention.trim())?.[1] ?? GROUP_MENTION.exec(mention.trim())?.[1];
      if (id) ids.add(id);
    }
  }
  return [...ids];
}
