import type { BrokerRecord, Headers } from '@agentway/broker';
import { timestampOf } from './stream-id';

/**
 * How a record sits in a stream entry: the value's JSON in field `v`, the key in `k` (absent when
 * null), the headers as one JSON object in `h` (absent when empty). The offset is the entry id and
 * the timestamp its millisecond part.
 */

/** A stream entry as Redis returns it: `[id, [field, value, field, value, …]]`. */
export type StreamEntry = [id: string, fields: string[]];

const NO_HEADERS: Headers = Object.freeze({});

/**
 * The record a publish stored. Its value is the one given to `publish()` (readers get the parsed
 * JSON): parsing it back for every publish cost more than a third of the publish itself.
 */
export function storedRecord<V>(topic: string, id: string, key: string | null, value: V, headers: Record<string, string>): BrokerRecord<V> {
  let copy = NO_HEADERS;
  for (const _ in headers) {
    copy = Object.freeze({ ...headers });
    break;
  }
  return { topic, offset: id, key, value, headers: copy, timestamp: timestampOf(id) };
}

/**
 * Decodes an entry. Entries written by something else never break a reader: one without a `v`
 * field reads as the object of its fields, a `v` that is not JSON as that string.
 */
export function decodeEntry(topic: string, entry: StreamEntry): BrokerRecord {
  const [id, fields] = entry;
  let value: unknown;
  let hasValue = false;
  let key: string | null = null;
  let headers = NO_HEADERS;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i];
    const text = fields[i + 1]!;
    if (name === 'v') {
      hasValue = true;
      value = parseJson(text, text);
    } else if (name === 'k') {
      key = text;
    } else if (name === 'h') {
      headers = toHeaders(parseJson(text, undefined));
    }
  }
  if (!hasValue) value = fieldsObject(fields);
  // Not frozen (readonly by type): Object.freeze cost as much as building the record.
  return { topic, offset: id, key, value, headers, timestamp: timestampOf(id) };
}

function parseJson(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

function toHeaders(value: unknown): Headers {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return NO_HEADERS;
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) if (typeof v === 'string') out[name] = v;
  return Object.freeze(out);
}

function fieldsObject(fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
}
