import { encodeValue } from './validate';

const MAX_DEPTH = 32;
const NOT_PLAIN = Symbol('not plain');

/**
 * A copy of `value` exactly as `JSON.parse(JSON.stringify(value))` would give it, built without
 * the text round trip for plain data (objects with the plain prototype, arrays, strings, finite
 * numbers, booleans, null). Anything else — a `toJSON`, a Date, a class instance, a BigInt, a
 * cycle, a `__proto__` key, very deep nesting — takes the round trip itself, so that its result
 * and its errors are JSON's own (`ERR_BROKER_INVALID_MESSAGE` for what JSON cannot hold).
 */
export function copyJsonValue<V>(value: V): V {
  let copy: unknown;
  try {
    copy = copy_(value, 0, true);
  } catch {
    copy = NOT_PLAIN; // a getter threw: let JSON meet it and report it
  }
  return (copy === NOT_PLAIN ? JSON.parse(encodeValue(value)) : copy) as V;
}

function copy_(value: unknown, depth: number, inArray: boolean): unknown {
  switch (typeof value) {
    case 'string':
      // A text built piece by piece is a rope of small strings: stored for as long as the topic lives,
      // it is flattened in place, as JSON.parse would have made it (below 13 characters V8 makes none).
      if (value.length >= 13) void ((value as unknown as number) | 0);
      return value;
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : null;
    case 'undefined':
    case 'function':
    case 'symbol':
      // Dropped from objects, null in arrays, "not a JSON value" on top: JSON decides.
      return inArray && depth > 0 ? null : NOT_PLAIN;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (value === null) return null;
  if (depth >= MAX_DEPTH) return NOT_PLAIN;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return NOT_PLAIN;
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = copy_(value[i], depth + 1, true);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out[i] = item;
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key === '__proto__' || key === 'toJSON') return NOT_PLAIN;
    const item = (value as Record<string, unknown>)[key];
    const type = typeof item;
    if (type === 'undefined' || type === 'function' || type === 'symbol') continue;
    const copied = copy_(item, depth + 1, false);
    if (copied === NOT_PLAIN) return NOT_PLAIN;
    out[key] = copied;
  }
  return out;
}
