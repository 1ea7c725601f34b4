// JSON with object keys sorted at every depth: equal values give equal text whatever order their keys were built
// in. Used wherever two values are compared or hashed as text (evidence, check options, a message's content).

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
