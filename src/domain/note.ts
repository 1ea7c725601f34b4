// A note on a go-live: the seed's Notes block (date, environment, deployed by, notes and deviations) on the
// root, or a plain remark hanging on one item.
import type { Actor } from './go-live.js';

export const NOTE_TEXT_MAX = 2900;

export interface NoteFields {
  /** `YYYY-MM-DD`, as the seed's `Date:` line. */
  date?: string;
  environment?: string;
  /** Slack user id of who deployed. */
  deployedBy?: string;
}

export interface Note {
  id: number;
  goLiveId: string;
  /** The item it hangs on; absent for a note on the whole go-live. */
  itemId?: string;
  by: Actor;
  at: number;
  fields: NoteFields;
  /** Notes and deviations, as typed. */
  text: string;
}
