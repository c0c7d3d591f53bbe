/**
 * Redis stream entry ids (`<ms>-<seq>`), which are the broker's offsets. Ids made by `XADD *` grow
 * by one within a millisecond, so `follows()` can tell that no entry is missing between two of them.
 */

const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;
const MAX = 2n ** 64n - 1n;

/** A well-formed stream id in its canonical form (no leading zeros), or undefined. */
export function parseStreamId(value: string): string | undefined {
  const match = STREAM_ID.exec(value);
  if (!match) return undefined;
  const ms = BigInt(match[1]!);
  const seq = BigInt(match[2]!);
  return ms > MAX || seq > MAX ? undefined : `${ms}-${seq}`;
}

/** The millisecond part of an id: the time Redis appended the entry. */
export function timestampOf(id: string): number {
  return parseInt(id, 10); // stops at the '-'
}

/** The id right before this one (`0-0` has none: it stays). */
export function previousId(id: string): string {
  const d = id.indexOf('-');
  const seq = Number(id.slice(d + 1));
  if (seq > 0) return `${id.slice(0, d)}-${seq - 1}`;
  const ms = Number(id.slice(0, d));
  return ms > 0 ? `${ms - 1}-18446744073709551615` : id;
}

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const da = a.indexOf('-');
  const db = b.indexOf('-');
  // Longer digit strings are bigger numbers (ids have no leading zeros); equal lengths compare as text.
  if (da !== db) return da - db;
  const msA = a.slice(0, da);
  const msB = b.slice(0, db);
  if (msA !== msB) return msA < msB ? -1 : 1;
  return Number(a.slice(da + 1)) - Number(b.slice(db + 1));
}

/** True when `next` is the id right after `id` (same millisecond, next sequence number). */
export function follows(next: string, id: string): boolean {
  const d = id.indexOf('-');
  if (next.indexOf('-') !== d || next.slice(0, d) !== id.slice(0, d)) return false;
  return Number(next.slice(d + 1)) === Number(id.slice(d + 1)) + 1;
}
