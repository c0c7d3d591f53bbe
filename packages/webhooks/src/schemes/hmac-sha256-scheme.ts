import { headerValue } from '../header-value';
import { deliveryId, invalidSignature, isObject, missingHeader, missingSignature, splitEntries, type Scheme } from '../scheme';
import { decodeSignature, signatureMatches, type SignatureEncoding } from '../signature-match';
import { parseUnixSeconds } from '../timestamp-window';

/** How a generic HMAC-SHA256 sender signs (see `WebhookVerifyOptions`). */
export interface HmacSettings {
  readonly signatureHeader: string;
  readonly signaturePrefix: string;
  readonly encoding: SignatureEncoding;
  readonly timestampHeader: string | undefined;
  readonly idHeader: string | undefined;
  readonly typeHeader: string | undefined;
  /** The signed bytes: text before and after the body, with `{timestamp}` and `{id}` still in them. */
  readonly before: string;
  readonly after: string;
}

const fill = (text: string, timestamp: string, id: string) => text.replaceAll('{timestamp}', timestamp).replaceAll('{id}', id);

/**
 * A generic HMAC-SHA256 scheme: the signature in a configurable header, with an optional prefix
 * (`sha256=`), hex or base64; optionally over a signed timestamp and id (`signedPayload`
 * `'{timestamp}.{body}'`). Event type from `typeHeader` or `body.type` (else `delivery`), id from `idHeader`.
 */
export function hmacSha256Scheme(keys: readonly Buffer[], settings: HmacSettings): Scheme {
  const templated = /\{(timestamp|id)\}/.test(settings.before + settings.after);
  return {
    name: 'hmac-sha256',
    verify(raw, headers) {
      const header = headerValue(headers, settings.signatureHeader);
      if (header === undefined || header === '') throw missingSignature(`${settings.signatureHeader} header`);
      let timestamp: number | null = null;
      let ts = '';
      if (settings.timestampHeader !== undefined) {
        ts = headerValue(headers, settings.timestampHeader) ?? '';
        if (ts === '') throw missingSignature(`${settings.timestampHeader} header`);
        const parsed = parseUnixSeconds(ts);
        if (parsed === undefined) throw invalidSignature(`${settings.timestampHeader} is not a Unix time`);
        timestamp = parsed;
      }
      let id = '';
      if (settings.idHeader !== undefined && templated) {
        id = headerValue(headers, settings.idHeader) ?? '';
        if (id === '') throw missingSignature(`${settings.idHeader} header`);
      }
      const signatures: Buffer[] = [];
      for (const entry of splitEntries(header)) {
        const signature = entry.startsWith(settings.signaturePrefix)
          ? decodeSignature(entry.slice(settings.signaturePrefix.length), settings.encoding) : undefined;
        if (signature) signatures.push(signature);
      }
      if (signatures.length === 0) throw invalidSignature(`${settings.signatureHeader} has no well-formed signature`);
      const before = templated ? fill(settings.before, ts, id) : settings.before;
      const after = templated ? fill(settings.after, ts, id) : settings.after;
      if (!signatureMatches(keys, before, raw, after, signatures)) throw invalidSignature();
      return timestamp;
    },
    identify(body, headers) {
      const payload = body.form ? body.fields : body.value;
      let type = 'delivery';
      if (settings.typeHeader !== undefined) {
        type = headerValue(headers, settings.typeHeader) ?? '';
        if (type === '') throw missingHeader(settings.typeHeader);
      } else if (isObject(payload) && typeof payload.type === 'string' && payload.type !== '') {
        type = payload.type;
      }
      let id: string | null = null;
      if (settings.idHeader !== undefined) {
        const value = headerValue(headers, settings.idHeader);
        if (value === undefined) throw missingHeader(settings.idHeader);
        id = deliveryId(value, settings.idHeader);
      }
      return { type, id, payload };
    },
  };
}
