// Reading a check's template options, which arrive as written in YAML: wrong types fall back to defaults
// rather than crash a run (the template schema is where they are validated).
export type CheckOptions = Readonly<Record<string, unknown>>;

export function stringList(options: CheckOptions, key: string, fallback: readonly string[]): string[] {
  const value = options[key];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) {
    const strings = value.filter((entry): entry is string => typeof entry === 'string');
    if (strings.length > 0) return strings;
  }
  return [...fallback];
}

export function numberOption(options: CheckOptions, key: string, fallback: number): number {
  const value = options[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return fallback;
}

export function numberList(options: CheckOptions, key: string, fallback: readonly number[]): number[] {
  const value = options[key];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const numbers = list.map(Number).filter((entry) => Number.isInteger(entry) && entry > 0 && entry < 65536);
  return numbers.length > 0 ? numbers : [...fallback];
}

export function stringOption(options: CheckOptions, key: string, fallback: string): string {
  const value = options[key];
  return typeof value === 'string' && value !== '' ? value : fallback;
}
