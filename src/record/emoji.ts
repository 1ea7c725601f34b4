// The section emoji of the seed as the record writes them (the seed's own characters), from the Slack codes the
// templates use; a code not listed stays as written.
const EMOJI: Readonly<Record<string, string>> = {
  ':lock:': '🔒',
  ':file_cabinet:': '🗄️',
  ':rocket:': '🚀',
  ':globe_with_meridians:': '🌐',
  ':bar_chart:': '📊',
  ':floppy_disk:': '💾',
  ':zap:': '⚡',
  ':test_tube:': '🧪',
  ':memo:': '📝',
  ':arrows_counterclockwise:': '🔄',
  ':white_check_mark:': '✅',
  ':sos:': '🆘',
};

export function emojiOf(code: string): string {
  return EMOJI[code] ?? code;
}
