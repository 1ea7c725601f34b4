// Go-live ids: ULIDs (26 chars, Crockford base32), so ids sort by start time and stay short in Slack values.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
let lastRandom: number[] = [];

function encodeTime(ms: number): string {
  let out = '';
  let rest = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i += 1) {
    out = ALPHABET[rest % 32]! + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function randomDigits(): number[] {
  // 16 base32 digits = 80 bits; 5 bits from each byte is unbiased since 256 is a multiple of 32.
  return [...randomBytes(16)].map((byte) => byte & 31);
}

/** Increments the 80-bit random part so that ids made in the same millisecond still sort in order. */
function increment(digits: number[]): number[] | undefined {
  const next = [...digits];
  for (let i = next.length - 1; i >= 0; i -= 1) {
    if (next[i]! < 31) {
      next[i]! += 1;
      return next;
    }
    next[i] = 0;
  }
  return undefined;
}

/** A new ULID for the time `nowMs`; monotonic within this process even when the clock stands still. */
export function newId(nowMs: number): string {
  const time = Math.max(nowMs, lastTime);
  const bumped = time === lastTime ? increment(lastRandom) : undefined;
  lastRandom = bumped ?? randomDigits();
  lastTime = time;
  return encodeTime(time) + lastRandom.map((d) => ALPHABET[d]!).join('');
}
