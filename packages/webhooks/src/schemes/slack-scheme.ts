import { headerValue } from '../header-value';
import { jsonField } from '../parse-body';
import { deliveryId, invalidSignature, isObject, jsonObject, malformedBody, missingSignature, splitEntries, type Identified, type Scheme } from '../scheme';
import { decodeSignature, signatureMatches } from '../signature-match';
import { parseUnixSeconds } from '../timestamp-window';

/**
 * Slack: `X-Slack-Signature: v0=<hex>` over `"v0:<X-Slack-Request-Timestamp>:" + body`. Event type:
 * `event.type` of an `event_callback` (id `event_id`), the outer `type` otherwise
 * (`url_verification`, `app_rate_limited`), `payload.type` of interactivity forms
 * (`block_actions`, `view_submission`, …) and `slash_command` for slash commands (no id).
 */
export function slackScheme(keys: readonly Buffer[]): Scheme {
  return {
    name: 'slack',
    verify(raw, headers) {
      const header = headerValue(headers, 'x-slack-signature');
      if (header === undefined || header === '') throw missingSignature('X-Slack-Signature header');
      const ts = headerValue(headers, 'x-slack-request-timestamp');
      if (ts === undefined || ts === '') throw missingSignature('X-Slack-Request-Timestamp header');
      const timestamp = parseUnixSeconds(ts);
      if (timestamp === undefined) throw invalidSignature('X-Slack-Request-Timestamp is not a Unix time');
      const signatures: Buffer[] = [];
      for (const entry of splitEntries(header)) {
        const signature = entry.startsWith('v0=') ? decodeSignature(entry.slice(3), 'hex') : undefined;
        if (signature) signatures.push(signature);
      }
      if (signatures.length === 0) throw invalidSignature('X-Slack-Signature has no well-formed v0= signature');
      if (!signatureMatches(keys, `v0:${ts}:`, raw, '', signatures)) throw invalidSignature();
      return timestamp;
    },
    identify(body): Identified {
      if (body.form) {
        if (body.fields.payload !== undefined) {
          const payload = jsonField(body.fields, 'payload');
          if (!isObject(payload) || typeof payload.type !== 'string') throw malformedBody('a Slack interactivity payload must have a string "type"');
          return { type: payload.type, id: null, payload };
        }
        if (body.fields.command !== undefined) return { type: 'slash_command', id: null, payload: body.fields };
        throw malformedBody('a Slack form body must carry a "payload" or a "command"');
      }
      const envelope = jsonObject(body, 'Slack');
      if (typeof envelope.type !== 'string') throw malformedBody('a Slack event must have a string "type"');
      const id = envelope.event_id === undefined ? null : deliveryId(envelope.event_id, '"event_id"');
      if (envelope.type !== 'event_callback') return { type: envelope.type, id, payload: envelope };
      if (!isObject(envelope.event) || typeof envelope.event.type !== 'string') {
        throw malformedBody('a Slack event_callback must have an "event" with a string "type"');
      }
      return { type: envelope.event.type, id, payload: envelope };
    },
  };
}

/** Slack's unsigned SSL check (`ssl_check=1` form posts), answered 200 without dispatching anything. */
export function isSlackSslCheck(raw: Buffer, headers: Parameters<typeof headerValue>[0]): boolean {
  return headerValue(headers, 'x-slack-signature') === undefined
    && raw.length < 512
    && new URLSearchParams(raw.toString('utf8')).get('ssl_check') === '1';
}
