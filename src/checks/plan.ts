// Which checks a template asks for: one request per item that carries a check, nested items included.
import { canonicalJson } from '../domain/canonical-json.js';
import type { Template, TemplateItem } from '../domain/template.js';
import type { CheckRequest } from './types.js';

function collect(items: readonly TemplateItem[], into: CheckRequest[]): void {
  for (const item of items) {
    if (item.check) into.push({ id: item.id, kind: item.check.kind, options: item.check.options });
    collect(item.items, into);
  }
}

/** The checks of the whole template, or of one section when `sectionId` is given, in template order. */
export function checkRequestsOf(template: Template, sectionId?: string): CheckRequest[] {
  const requests: CheckRequest[] = [];
  for (const section of template.sections) {
    if (sectionId !== undefined && section.id !== sectionId) continue;
    for (const group of section.groups) collect(group.items, requests);
  }
  return requests;
}

/** Drops repeats of the same kind with the same options, keeping the first item's id. */
export function dedupeCheckRequests(requests: readonly CheckRequest[]): CheckRequest[] {
  const seen = new Set<string>();
  const unique: CheckRequest[] = [];
  for (const request of requests) {
    const key = `${request.kind}|${canonicalJson(request.options)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(request);
  }
  return unique;
}
