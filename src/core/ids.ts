// Crockford base32: no I, L, O, U, so ids survive being read aloud or copied by hand.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A ULID: 10 characters of milliseconds since the epoch, then 16 random ones.
 * Ids sort by creation time as plain strings, and two clones never pick the same one.
 */
// The global Web Crypto, not node:crypto: importing that module costs ~8 ms on every start.
export function newId(timeMs: number, random: Uint8Array = globalThis.crypto.getRandomValues(new Uint8Array(10))): string {
  if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs > 2 ** 48 - 1) {
    throw new RangeError(`time out of range for an id: ${timeMs}`);
  }
  let time = "";
  let t = timeMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  // 80 random bits → 16 characters of 5 bits each.
  let bits = 0n;
  for (const byte of random.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let rand = "";
  for (let i = 0; i < 16; i++) {
    rand = ALPHABET[Number(bits & 31n)] + rand;
    bits >>= 5n;
  }
  return time + rand;
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The creation time encoded in a ULID, or undefined for ids written some other way by hand. */
export function idTime(id: string): number | undefined {
  if (!ULID.test(id)) return undefined;
  let t = 0;
  for (const ch of id.slice(0, 10)) t = t * 32 + ALPHABET.indexOf(ch);
  return t;
}

/** Ids may be hand-written too; keep them to characters that are safe in a file name and a comment. */
export const ID_PATTERN = /^[0-9A-Za-z][0-9A-Za-z_.-]{0,127}$/;
