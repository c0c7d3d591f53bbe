import type { BrokerRecord, Position } from '@agentway/broker';
import { RequestError } from './langstream-error';

/**
 * The opaque `offset` of a push message: the broker's own offset, base64url-encoded (no `+`, `/`
 * or `=`, so it needs no escaping in a query string). Sent back as `option:position`, the consumer
 * resumes right after that record.
 */
export function encodeOffset(offset: string): string {
  // Broker offsets are short ASCII ("12-3", "1732000000000-0"): encoded here, they cost no Buffer.
  let out = '';
  let i = 0;
  for (; i + 2 < offset.length; i += 3) {
    const a = offset.charCodeAt(i);
    const b = offset.charCodeAt(i + 1);
    const c = offset.charCodeAt(i + 2);
    if ((a | b | c) > 0x7f) return Buffer.from(offset, 'utf8').toString('base64url');
    out += BASE64URL[a >> 2]! + BASE64URL[((a & 3) << 4) | (b >> 4)]! + BASE64URL[((b & 15) << 2) | (c >> 6)]! + BASE64URL[c & 63]!;
  }
  const rest = offset.length - i;
  if (rest === 0) return out;
  const a = offset.charCodeAt(i);
  const b = rest === 2 ? offset.charCodeAt(i + 1) : 0;
  if ((a | b) > 0x7f) return Buffer.from(offset, 'utf8').toString('base64url');
  out += BASE64URL[a >> 2]! + BASE64URL[((a & 3) << 4) | (b >> 4)]!;
  return rest === 2 ? out + BASE64URL[(b & 15) << 2]! : out;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The start position of `option:position`: `latest` (default), `earliest`, or an offset this
 * gateway gave out. Standard base64 is accepted too, and a `+` that arrived as a space (sent
 * without URL-encoding) is mended.
 */
export function decodePosition(position: string | undefined): Position {
  if (position === undefined || position === 'latest') return 'latest';
  if (position === 'earliest') return 'earliest';
  const normalised = position.trim().replace(/ /g, '+').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const offset = Buffer.from(normalised, 'base64url');
  if (normalised === '' || offset.toString('base64url') !== normalised) {
    throw new RequestError('invalid', `Invalid position ${position}: expected latest, earliest or an offset received from this gateway`);
  }
  return { after: offset.toString('utf8') };
}

/**
 * Builds the consume push frame of a record (LangStream's `ConsumePushMessage`,
 * `{"record":{"key":…,"value":…,"headers":{…}},"offset":"…"}`) once, as a Buffer, and hands the
 * same bytes to every consumer of that record: the consumers of a topic read the same record
 * objects at about the same time, so the frames of the last records are kept in a small ring
 * (fan-out costs one serialisation, not one per socket).
 */
export class PushFrames {
  private readonly records: (BrokerRecord | undefined)[] = new Array(RING).fill(undefined);
  private readonly frames: (Buffer | undefined)[] = new Array(RING).fill(undefined);
  private next = 0;

  constructor(private readonly valueFormat: 'text' | 'json') {}

  frame(record: BrokerRecord): Buffer {
    const { records } = this;
    for (let i = 1; i <= RING; i++) {
      const at = (this.next - i + RING) % RING;
      if (records[at] === record) return this.frames[at]!;
    }
    const frame = Buffer.from(this.json(record), 'utf8');
    records[this.next] = record;
    this.frames[this.next] = frame;
    this.next = (this.next + 1) % RING;
    return frame;
  }

  /** The push message as JSON text (also the body of a service gateway's answer). */
  json(record: BrokerRecord): string {
    const { value, key, headers } = record;
    const valueJson = this.valueFormat === 'json' || value === null || typeof value === 'string'
      ? JSON.stringify(value) : JSON.stringify(JSON.stringify(value));
    let headersJson = '{}';
    for (const _ in headers) {
      headersJson = JSON.stringify(headers);
      break;
    }
    return `{"record":{"key":${key === null ? 'null' : JSON.stringify(key)},"value":${valueJson},"headers":${headersJson}},`
      + `"offset":"${encodeOffset(record.offset)}"}`;
  }
}

/** How many recent frames are kept for the other consumers of the same records. */
const RING = 16;
