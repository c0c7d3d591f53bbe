import { headerValue, type WebhookHeaders } from '../header-value';
import { deliveryId, invalidSignature, jsonObject, malformedBody, missingSignature, type Scheme } from '../scheme';
import { decodeSignature, signatureMatches } from '../signature-match';
import { parseUnixSeconds } from '../timestamp-window';

function svixOrStandard(headers: WebhookHeaders, name: string): string | undefined {
  return headerValue(headers, `webhook-${name}`) ?? headerValue(headers, `svix-${name}`);
}

/**
 * Standard Webhooks (and Svix): `webhook-signature: v1,<base64> [v1,<base64>…]` over
 * `"<webhook-id>.<webhook-timestamp>." + body`, keyed with the base64-decoded `whsec_` secret.
 * `svix-*` headers are read too; signatures of other versions (`v1a`) are skipped. Event type
 * `body.type`, delivery id `webhook-id`.
 */
export function standardWebhooksScheme(keys: readonly Buffer[]): Scheme {
  return {
    name: 'standard-webhooks',
    verify(raw, headers) {
      const id = svixOrStandard(headers, 'id');
      const ts = svixOrStandard(headers, 'timestamp');
      const header = svixOrStandard(headers, 'signature');
      if (header === undefined || header === '') throw missingSignature('webhook-signature header');
      if (id === undefined || id === '') throw missingSignature('webhook-id header');
      if (ts === undefined || ts === '') throw missingSignature('webhook-timestamp header');
      const timestamp = parseUnixSeconds(ts);
      if (timestamp === undefined) throw invalidSignature('webhook-timestamp is not a Unix time');
      const signatures: Buffer[] = [];
      for (const entry of header.split(' ')) {
        const signature = entry.startsWith('v1,') ? decodeSignature(entry.slice(3), 'base64') : undefined;
        if (signature) signatures.push(signature);
      }
      if (signatures.length === 0) throw invalidSignature('webhook-signature has no well-formed v1 signature');
      if (!signatureMatches(keys, `${id}.${ts}.`, raw, '', signatures)) throw invalidSignature();
      return timestamp;
    },
    identify(body, headers) {
      const event = jsonObject(body, 'Standard Webhooks');
      if (typeof event.type !== 'string' || event.type === '') throw malformedBody('a Standard Webhooks event must have a string "type"');
      return { type: event.type, id: deliveryId(svixOrStandard(headers, 'id'), 'webhook-id'), payload: event };
    },
  };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A Standard Webhooks secret (`whsec_<base64>`, or the bare base64) decoded to its key bytes, or undefined. */
export function decodeStandardSecret(secret: string): Buffer | undefined {
  const text = secret.startsWith('whsec_') ? secret.slice(6) : secret;
  return text.length > 0 && BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}
