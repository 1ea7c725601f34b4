// Checklist rules: which items a template has, how far a go-live is, and which item changes are allowed.
// Pure: no clock, no database; the view comes in as a parameter.
import type { ChecklistView, ItemRecord, ItemState } from './go-live.js';
import { untouchedItem } from './item-change.js';
import type { Template, TemplateItem } from './template.js';

export const REASON_MAX_LENGTH = 500;

/** One template item with where it sits: its section, its group, and its parent when it is a sub-item. */
export interface FlatItem {
  item: TemplateItem;
  sectionId: string;
  groupIndex: number;
  groupTitle: string;
  parentId?: string;
  /** 0 for a group's items, 1 for their sub-items, … */
  depth: number;
}

export interface Progress {
  /** Resolved items: done or N/A. */
  done: number;
  total: number;
  blocked: number;
  failed: number;
  na: number;
}

const flatCache = new WeakMap<Template, FlatItem[]>();
/** Items by id: a click looks its item up several times, and a template has ~150 of them. */
const byIdCache = new WeakMap<Template, ReadonlyMap<string, FlatItem>>();

/** Every item of the template, nested ones too, in the order the checklist shows them. */
export function flattenItems(template: Template): FlatItem[] {
  const cached = flatCache.get(template);
  if (cached) return cached;
  const flat: FlatItem[] = [];
  const walk = (
    list: readonly TemplateItem[],
    where: Omit<FlatItem, 'item' | 'depth' | 'parentId'>,
    depth: number,
    parentId?: string,
  ) => {
    for (const item of list) {
      flat.push(parentId === undefined ? { item, ...where, depth } : { item, ...where, depth, parentId });
      walk(item.items, where, depth + 1, item.id);
    }
  };
  for (const section of template.sections) {
    section.groups.forEach((group, groupIndex) => {
      walk(group.items, { sectionId: section.id, groupIndex, groupTitle: group.title }, 0);
    });
  }
  flatCache.set(template, flat);
  return flat;
}

export function findItem(template: Template, itemId: string): FlatItem | undefined {
  let byId = byIdCache.get(template);
  if (!byId) {
    // The first of two items with one id wins, as a search in checklist order would find it.
    byId = new Map([...flattenItems(template)].reverse().map((flat) => [flat.item.id, flat]));
    byIdCache.set(template, byId);
  }
  return byId.get(itemId);
}

/** The item's record, or an untouched `open` record attributed to the go-live's start. */
export function itemRecordOrOpen(view: ChecklistView, itemId: string): ItemRecord {
  return view.items.get(itemId) ?? untouchedItem(itemId, view.goLive);
}

function count(view: ChecklistView, flat: readonly FlatItem[]): Progress {
  const progress: Progress = { done: 0, total: flat.length, blocked: 0, failed: 0, na: 0 };
  for (const { item } of flat) {
    const state = view.items.get(item.id)?.state ?? 'open';
    if (state === 'done' || state === 'na') progress.done += 1;
    if (state === 'na') progress.na += 1;
    if (state === 'blocked') progress.blocked += 1;
    if (state === 'failed') progress.failed += 1;
  }
  return progress;
}

/** Progress over every item of the go-live's template snapshot. */
export function progress(view: ChecklistView): Progress {
  return count(view, flattenItems(view.goLive.template));
}

/** Progress of one section; all zero for a section the template does not have. */
export function sectionProgress(view: ChecklistView, sectionId: string): Progress {
  return count(
    view,
    flattenItems(view.goLive.template).filter((flat) => flat.sectionId === sectionId),
  );
}

export type ItemChangeCheck = { ok: true } | { ok: false; reason: string };

/**
 * N/A and blocked need a reason (someone must say why); done and open take none. After Go live the pre-launch
 * checklist is locked: every change by a person is a post-launch change and needs a reason.
 */
export function validateItemChange(
  change: { state: ItemState; reason?: string },
  when: { afterGoLive?: boolean } = {},
): ItemChangeCheck {
  const reason = change.reason?.trim() ?? '';
  if (when.afterGoLive === true && change.state !== 'failed') {
    if (reason.length === 0)
      return { ok: false, reason: 'the checklist is locked after Go live: a change needs a reason' };
    if (reason.length > REASON_MAX_LENGTH) {
      return { ok: false, reason: `the reason is ${reason.length} characters long (at most ${REASON_MAX_LENGTH})` };
    }
    return { ok: true };
  }
  switch (change.state) {
    case 'na':
    case 'blocked':
      if (reason.length === 0) {
        return { ok: false, reason: `marking an item ${change.state === 'na' ? 'N/A' : 'blocked'} needs a reason` };
      }
      if (reason.length > REASON_MAX_LENGTH) {
        return { ok: false, reason: `the reason is ${reason.length} characters long (at most ${REASON_MAX_LENGTH})` };
      }
      return { ok: true };
    case 'done':
    case 'open':
      if (reason.length > 0) return { ok: false, reason: `marking an item ${change.state} takes no reason` };
      return { ok: true };
    case 'failed':
      // Set by an automatic check, which explains itself with evidence; a note is optional.
      if (reason.length > REASON_MAX_LENGTH) {
        return { ok: false, reason: `the reason is ${reason.length} characters long (at most ${REASON_MAX_LENGTH})` };
      }
      return { ok: true };
  }
}
