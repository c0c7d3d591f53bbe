import { headerValue } from '../header-value';
import { jsonField } from '../parse-body';
import { deliveryId, invalidSignature, isObject, malformedBody, missingHeader, missingSignature, splitEntries, type Scheme } from '../scheme';
import { decodeSignature, signatureMatches } from '../signature-match';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body (the SHA-1 `X-Hub-Signature` is not
 * accepted). GitHub signs no time, so de-duplication by `X-GitHub-Delivery` is the only replay
 * defence. Event type: `X-GitHub-Event`, plus `.<action>` when the payload has one.
 */
export function githubScheme(keys: readonly Buffer[]): Scheme {
  return {
    name: 'github',
    verify(raw, headers) {
      const header = headerValue(headers, 'x-hub-signature-256');
      if (header === undefined || header === '') {
        const legacy = headerValue(headers, 'x-hub-signature') !== undefined;
        throw missingSignature(legacy ? 'X-Hub-Signature-256 header (the SHA-1 X-Hub-Signature is not accepted)' : 'X-Hub-Signature-256 header');
      }
      const signatures: Buffer[] = [];
      for (const entry of splitEntries(header)) {
        const signature = entry.startsWith('sha256=') ? decodeSignature(entry.slice(7), 'hex') : undefined;
        if (signature) signatures.push(signature);
      }
      if (signatures.length === 0) throw invalidSignature('X-Hub-Signature-256 has no well-formed sha256= signature');
      if (!signatureMatches(keys, '', raw, '', signatures)) throw invalidSignature();
      return null;
    },
    identify(body, headers) {
      const event = headerValue(headers, 'x-github-event');
      if (event === undefined || event === '') throw missingHeader('X-GitHub-Event');
      const delivery = headerValue(headers, 'x-github-delivery');
      if (delivery === undefined) throw missingHeader('X-GitHub-Delivery');
      const payload = body.form ? jsonField(body.fields, 'payload') : body.value;
      if (!isObject(payload)) throw malformedBody('a GitHub delivery must be a JSON object');
      const type = typeof payload.action === 'string' && payload.action !== '' ? `${event}.${payload.action}` : event;
      return { type, id: deliveryId(delivery, 'X-GitHub-Delivery'), payload };
    },
  };
}
