// People by name for the record and the App Home: users.info, cached for an hour so that a report of a go-live
// with twenty people costs twenty calls once, not on every report. A failed lookup is not cached (the id shows).
import type { Clock } from '../clock.js';
import type { NameOf } from '../record/people.js';
import type { SlackGateway } from './gateway.js';

const NAME_TTL_MS = 60 * 60 * 1000;
/** users.info is Tier 4; a few at once keeps a big record from bursting. */
const LOOKUPS_AT_ONCE = 4;
const USER_ID = /^[UW][A-Z0-9]+$/;

export class SlackPeople {
  private readonly names = new Map<string, { name: string; at: number }>();

  constructor(
    private readonly slack: Pick<SlackGateway, 'userName'>,
    private readonly clock: Clock,
  ) {}

  /** Looks up the users among `ids` not known lately, then answers names from the cache. */
  async resolve(ids: readonly string[]): Promise<NameOf> {
    const now = this.clock.now();
    const missing = [...new Set(ids)].filter(
      (id) => USER_ID.test(id) && !(now - (this.names.get(id)?.at ?? -Infinity) < NAME_TTL_MS),
    );
    for (let i = 0; i < missing.length; i += LOOKUPS_AT_ONCE) {
      await Promise.all(
        missing.slice(i, i + LOOKUPS_AT_ONCE).map(async (id) => {
          const found = await this.slack.userName(id);
          if (found.ok) this.names.set(id, { name: found.value, at: now });
        }),
      );
    }
    return (id) => this.names.get(id)?.name;
  }
}
