import { headerValue } from '../header-value';
import { deliveryId, invalidSignature, jsonObject, malformedBody, missingSignature, type Scheme } from '../scheme';
import { decodeSignature, signatureMatches } from '../signature-match';
import { parseUnixSeconds } from '../timestamp-window';

/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]` over `"<t>." + body`, keyed with the
 * endpoint secret as written (`whsec_…` included). Any `v1` may match; `v0` and unknown schemes are
 * ignored. Event type `body.type`, delivery id `body.id` (`evt_…`).
 */
export function stripeScheme(keys: readonly Buffer[]): Scheme {
  return {
    name: 'stripe',
    verify(raw, headers) {
      const header = headerValue(headers, 'stripe-signature');
      if (header === undefined || header === '') throw missingSignature('Stripe-Signature header');
      let t: string | undefined;
      const signatures: Buffer[] = [];
      for (const item of header.split(',')) {
        const eq = item.indexOf('=');
        if (eq < 0) continue;
        const key = item.slice(0, eq).trim();
        const value = item.slice(eq + 1).trim();
        if (key === 't') {
          if (t !== undefined) throw invalidSignature('Stripe-Signature carries more than one t=');
          t = value;
        } else if (key === 'v1') {
          const signature = decodeSignature(value, 'hex');
          if (signature) signatures.push(signature);
        }
      }
      const timestamp = parseUnixSeconds(t);
      if (timestamp === undefined) throw invalidSignature('Stripe-Signature has no valid t= timestamp');
      if (signatures.length === 0) throw invalidSignature('Stripe-Signature has no well-formed v1= signature');
      if (!signatureMatches(keys, `${t}.`, raw, '', signatures)) throw invalidSignature();
      return timestamp;
    },
    identify(body) {
      const event = jsonObject(body, 'Stripe');
      if (typeof event.type !== 'string' || event.type === '') throw malformedBody('a Stripe event must have a string "type"');
      return { type: event.type, id: deliveryId(event.id, 'the event "id"'), payload: event };
    },
  };
}
