// Block Kit action ids, callback ids and value formats: shared by the block builders and the listeners.
export const ACTION = {
  /** Overflow menu on an item; option value is `encodeItemAction`. */
  itemMenu: 'golive_item_menu',
  /** Button on the root message (value: go-live id) and on each section (value: `goLiveId|sectionId`). */
  runChecks: 'golive_run_checks',
  /** Button on a post-launch check-in; value: the check-in id. */
  acknowledge: 'golive_acknowledge',
  /** Button on the root message of a live go-live; value: go-live id. Opens the Roll back form. */
  rollBack: 'golive_roll_back',
  /** Root buttons; value: go-live id. */
  requestApproval: 'golive_request_approval',
  goLive: 'golive_go_live',
  abort: 'golive_abort',
  editRoles: 'golive_edit_roles',
  /** Approval request buttons; value: `encodeRound`. */
  approve: 'golive_approve',
  reject: 'golive_reject',
  approveWithExceptions: 'golive_approve_exceptions',
  /** Section button; value: `goLiveId|sectionId`. */
  signOffSection: 'golive_sign_off_section',
  /** Button on the root message (value: go-live id): shares the record in the thread. */
  report: 'golive_report',
  /** Button on the root message (value: go-live id): opens the note form. */
  addNote: 'golive_add_note',
} as const;

export const VIEW = {
  startModal: 'golive_start_modal',
  /** Asks the reason for N/A or blocked; private_metadata is `encodeItemAction`. */
  itemReason: 'golive_item_reason',
  /** Asks why a go-live is rolled back; private_metadata is the go-live id. */
  rollBack: 'golive_roll_back',
  /** One text field (reject reason, exceptions justification, abort reason, post-launch change reason). */
  signOffText: 'golive_sign_off_text',
  editRoles: 'golive_edit_roles',
  /** The note form; private_metadata is `goLiveId` or `goLiveId|itemId`. */
  note: 'golive_note',
} as const;

/** An approval request's buttons carry the go-live and the request's round, so an old request's click is refused. */
export function encodeRound(goLiveId: string, round: number): string {
  return `${goLiveId}|${round}`;
}

export function decodeRound(raw: string): { goLiveId: string; round: number } | undefined {
  const [goLiveId, round, ...rest] = raw.split('|');
  if (rest.length > 0 || !goLiveId || round === undefined || !/^\d{1,9}$/.test(round)) return undefined;
  return { goLiveId, round: Number(round) };
}

/** The message key of a section's n-th message (`security`, `security#2`, …): the renderer and the builders agree. */
export function sectionMessageKey(sectionId: string, part: number): string {
  return part === 0 ? sectionId : `${sectionId}#${part + 1}`;
}

/** `note` opens the note form for the item; the others change its state. */
export type ItemAction = 'done' | 'na' | 'blocked' | 'open' | 'note';

export interface ItemActionValue {
  action: ItemAction;
  goLiveId: string;
  itemId: string;
}

// Compact on purpose: an option value is limited to 150 characters.
export function encodeItemAction(value: ItemActionValue): string {
  return `${value.action}|${value.goLiveId}|${value.itemId}`;
}

export function decodeItemAction(raw: string): ItemActionValue | undefined {
  const [action, goLiveId, itemId, ...rest] = raw.split('|');
  if (rest.length > 0 || !goLiveId || !itemId) return undefined;
  if (action !== 'done' && action !== 'na' && action !== 'blocked' && action !== 'open' && action !== 'note')
    return undefined;
  return { action, goLiveId, itemId };
}
