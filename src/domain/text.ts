// Cutting text to a length without splitting an emoji or a combined character: for reasons kept in the
// database and for everything Slack shows (which counts UTF-16 units).

export const ELLIPSIS = '…';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The graphemes of the first `max` UTF-16 units (plus slack for one long cluster): all a cut ever needs. */
export function graphemes(s: string, max: number): string[] {
  const head = s.slice(0, max + 64);
  if (SIMPLE.test(head)) return head.split('');
  return Array.from(segmenter.segment(head), (g) => g.segment);
}

// Latin, punctuation, arrows and symbols without joiners or combining marks: one unit, one grapheme.
// eslint-disable-next-line no-control-regex
const SIMPLE = /^[\u0000-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u2bff]*$/;

/**
 * At most `max` UTF-16 units (what Slack counts), ending with `…` when shortened; cuts between graphemes so
 * an emoji or a combined character is never split.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  if (max < ELLIPSIS.length + 1) return ELLIPSIS.slice(0, max);
  let out = '';
  for (const g of graphemes(s, max)) {
    if (out.length + g.length > max - ELLIPSIS.length) break;
    out += g;
  }
  return out.trimEnd() + ELLIPSIS;
}
