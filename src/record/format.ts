// Small text rules of the record's Markdown: times in UTC, the template's Slack mrkdwn as Markdown, and text
// that came from people kept from breaking the layout.

/** `2026-12-01 14:03 UTC` */
export function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `2026-12-01` */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The template's Slack bold (`*SECRET_KEY*`) as the seed writes it in Markdown (`**SECRET_KEY**`). */
export function markdownOf(mrkdwn: string): string {
  return mrkdwn.replace(/\*([^*\n]+)\*/g, '**$1**');
}

/** Text a person typed, on one line: line breaks cannot start a new item or heading in the record. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A fenced block that the text cannot close early: the fence is longer than any run of backticks in it. */
export function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${text}\n${fence}`;
}
