import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signWebhook } from '@agentway/testing';
import { webhookVerifier, type WebhookSourceOptions } from '@agentway/webhooks';
import { GITHUB_VECTOR, SLACK_VECTOR, STANDARD_VECTOR } from './support/vectors';

const hex = (key: string, data: string) => createHmac('sha256', key).update(data).digest('hex');
const flipLastHex = (s: string) => s.slice(0, -1) + (s.endsWith('0') ? '1' : '0');

describe('webhookVerifier()', () => {
  describe('with the providers\' published test vectors', () => {
    it('should verify Slack\'s signed slash command at its own time', () => {
      const verify = webhookVerifier({ scheme: 'slack', secret: SLACK_VECTOR.secret });
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(SLACK_VECTOR.timestamp), 'x-slack-signature': SLACK_VECTOR.signature };
      const event = verify(SLACK_VECTOR.body, headers, SLACK_VECTOR.timestamp * 1000);
      assert.deepEqual([event.name, event.id, event.timestamp, event.payload.command, event.payload.user_name],
        ['slack.slash_command', null, 1531420618, '/webhook-collect', 'roadrunner']);
      assert.throws(() => verify(SLACK_VECTOR.body, { ...headers, 'x-slack-signature': flipLastHex(SLACK_VECTOR.signature) }, SLACK_VECTOR.timestamp * 1000),
        { code: 'ERR_WEBHOOKS_INVALID_SIGNATURE', status: 401 });
    });

    it('should verify GitHub\'s signature (then find the vector\'s body is not JSON)', () => {
      const verify = webhookVerifier({ scheme: 'github', secret: GITHUB_VECTOR.secret });
      const headers = { 'x-github-event': 'ping', 'x-github-delivery': 'd1', 'x-hub-signature-256': GITHUB_VECTOR.signature };
      // Past the signature, the body is parsed: "Hello, World!" is not JSON, a 400 — not the 401 of a bad signature.
      assert.throws(() => verify(GITHUB_VECTOR.body, headers), { code: 'ERR_WEBHOOKS_MALFORMED_BODY', status: 400 });
      assert.throws(() => verify(GITHUB_VECTOR.body, { ...headers, 'x-hub-signature-256': flipLastHex(GITHUB_VECTOR.signature) }),
        { code: 'ERR_WEBHOOKS_INVALID_SIGNATURE', status: 401 });
    });

    it('should verify the Standard Webhooks spec vector (then find it has no "type")', () => {
      const verify = webhookVerifier({ scheme: 'standard-webhooks', secret: STANDARD_VECTOR.secret });
      const headers = { 'webhook-id': STANDARD_VECTOR.id, 'webhook-timestamp': String(STANDARD_VECTOR.timestamp), 'webhook-signature': STANDARD_VECTOR.signature };
      const at = STANDARD_VECTOR.timestamp * 1000;
      assert.throws(() => verify(STANDARD_VECTOR.body, headers, at), { code: 'ERR_WEBHOOKS_MALFORMED_BODY', message: /must have a string "type"/ });
      assert.throws(() => verify(STANDARD_VECTOR.body, { ...headers, 'webhook-id': 'msg_other' }, at), { code: 'ERR_WEBHOOKS_INVALID_SIGNATURE' });
    });
  });

  describe('with several signatures in one header', () => {
    const secret = 'whsec_several';
    const body = '{"id":"evt_1","type":"invoice.paid"}';
    const now = 1_800_000_000;

    it('should accept a Stripe header when any v1 matches, ignoring v0 and unknown schemes', () => {
      const verify = webhookVerifier({ scheme: 'stripe', secret });
      const good = hex(secret, `${now}.${body}`);
      const header = `t=${now},v0=${'0'.repeat(64)},v1=${'f'.repeat(64)},v1=${good},v9=zz`;
      assert.equal(verify(body, { 'stripe-signature': header }, now * 1000).name, 'stripe.invoice.paid');
      assert.throws(() => verify(body, { 'stripe-signature': `t=${now},v0=${good}` }, now * 1000), { code: 'ERR_WEBHOOKS_INVALID_SIGNATURE', message: /no well-formed v1= signature/ });
      assert.throws(() => verify(body, { 'stripe-signature': `t=${now},t=${now + 1},v1=${good}` }, now * 1000), { message: /more than one t=/ });
    });

    it('should accept a Standard Webhooks header with a v1a entry and several v1', () => {
      const verify = webhookVerifier({ scheme: 'standard-webhooks', secret: STANDARD_VECTOR.secret });
      const { headers, body: signed } = signWebhook({ scheme: 'standard-webhooks', secret: STANDARD_VECTOR.secret, payload: { type: 'user.created' }, timestamp: now });
      const header = `v1a,${'A'.repeat(86)}== v1,${'B'.repeat(43)}= ${headers['webhook-signature']}`;
      assert.equal(verify(signed, { ...headers, 'webhook-signature': header }, now * 1000).type, 'user.created');
    });

    it('should read svix-* headers as Standard Webhooks', () => {
      const verify = webhookVerifier({ scheme: 'standard-webhooks', secret: STANDARD_VECTOR.secret });
      const { headers, body: signed } = signWebhook({ scheme: 'standard-webhooks', secret: STANDARD_VECTOR.secret, payload: { type: 'a.b' }, id: 'msg_1', timestamp: now });
      const svix = { 'svix-id': headers['webhook-id']!, 'svix-timestamp': headers['webhook-timestamp']!, 'svix-signature': headers['webhook-signature']! };
      assert.deepEqual(verify(signed, svix, now * 1000).id, 'msg_1');
    });

    it('should accept a repeated GitHub header joined with ", "', () => {
      const verify = webhookVerifier({ scheme: 'github', secret: 's' });
      const { headers, body: signed } = signWebhook({ scheme: 'github', secret: 's', payload: { zen: 'z' } });
      const joined = `sha256=${'0'.repeat(64)}, ${headers['X-Hub-Signature-256']}`;
      assert.equal(verify(signed, { ...headers, 'X-Hub-Signature-256': joined }).name, 'github.ping');
    });
  });

  describe('with malformed signatures', () => {
    const secret = 'gh';
    const body = '{"zen":"z"}';
    const good = `sha256=${hex(secret, body)}`;
    const verify = webhookVerifier({ scheme: 'github', secret });
    const headers = { 'x-github-event': 'ping', 'x-github-delivery': 'd' };

    it('should refuse hex with a bad character instead of decoding a prefix of it', () => {
      // Buffer.from('…zz', 'hex') would stop at the bad character; the strict check refuses it.
      for (const sig of [`${good.slice(0, -2)}zz`, `${good}00`, good.slice(0, -1), 'sha256=', good.replace('sha256=', 'sha1=')]) {
        assert.throws(() => verify(body, { ...headers, 'x-hub-signature-256': sig }), { code: 'ERR_WEBHOOKS_INVALID_SIGNATURE' }, sig);
      }
    });

    it('should say that the SHA-1 header alone is not accepted', () => {
      assert.throws(() => verify(body, { ...headers, 'x-hub-signature': 'sha1=abc' }), {
        code: 'ERR_WEBHOOKS_MISSING_SIGNATURE', message: '[@agentway/webhooks] the delivery has no X-Hub-Signature-256 header (the SHA-1 X-Hub-Signature is not accepted)',
      });
    });

    it('should find headers whatever their case when given by hand', () => {
      assert.equal(verify(body, { 'X-GitHub-Event': 'ping', 'X-GITHUB-DELIVERY': 'd', 'X-Hub-Signature-256': good }).id, 'd');
    });

    it('should 400 a verified GitHub delivery without X-GitHub-Event', () => {
      assert.throws(() => verify(body, { 'x-github-delivery': 'd', 'x-hub-signature-256': good }), { code: 'ERR_WEBHOOKS_MISSING_HEADER', status: 400 });
    });

    it('should 413 a body over the limit before any HMAC', () => {
      const small = webhookVerifier({ scheme: 'github', secret, limit: 5 });
      assert.throws(() => small(body, { ...headers, 'x-hub-signature-256': good }), { code: 'ERR_WEBHOOKS_BODY_TOO_LARGE', status: 413 });
    });
  });

  describe('with the timestamp window', () => {
    const secret = 'slack';
    const verify = webhookVerifier({ scheme: 'slack', secret, tolerance: 300 });
    const at = (signed: number, now: number) => {
      const { headers, body } = signWebhook({ scheme: 'slack', secret, payload: { type: 'event_callback', event_id: 'E1', event: { type: 'message' } }, timestamp: signed });
      return () => verify(body, headers, now * 1000);
    };

    it('should accept a time exactly at either edge', () => {
      assert.equal(at(1_000_000 - 300, 1_000_000)().name, 'slack.message');
      assert.equal(at(1_000_000 + 300, 1_000_000)().name, 'slack.message');
    });

    it('should refuse one second past either edge', () => {
      assert.throws(at(1_000_000 - 301, 1_000_000), { code: 'ERR_WEBHOOKS_STALE_TIMESTAMP', message: '[@agentway/webhooks] the signed timestamp is more than 300 s old' });
      assert.throws(at(1_000_000 + 301, 1_000_000), { code: 'ERR_WEBHOOKS_FUTURE_TIMESTAMP', message: '[@agentway/webhooks] the signed timestamp is more than 300 s in the future' });
    });

    it('should refuse a timestamp that is not plain digits', () => {
      const { headers, body } = signWebhook({ scheme: 'slack', secret, payload: { type: 'x' } });
      for (const ts of ['1e9', '-5', ' 1', '0x10', '']) {
        assert.throws(() => verify(body, { ...headers, 'X-Slack-Request-Timestamp': ts }), { status: 401 }, ts);
      }
    });
  });

  describe('with scheme "hmac-sha256"', () => {
    it('should follow the header, prefix, encoding and signedPayload it is given', () => {
      const settings = { signatureHeader: 'X-Sig', signaturePrefix: 'v=', encoding: 'base64url', timestampHeader: 'X-Time', idHeader: 'X-Id', typeHeader: 'X-Topic', signedPayload: 'v0:{timestamp}:{id}:{body}:end' } as const;
      const verify = webhookVerifier({ scheme: 'hmac-sha256', secret: 'k', ...settings });
      const body = 'a=1&b=2';
      const sig = createHmac('sha256', 'k').update(`v0:1700000000:del-1:${body}:end`).digest('base64url');
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-sig': `v=${sig}`, 'x-time': '1700000000', 'x-id': 'del-1', 'x-topic': 'orders/create' };
      const event = verify(body, headers, 1_700_000_000_000);
      assert.deepEqual([event.name, event.id, { ...event.payload }], ['hmac-sha256.orders/create', 'del-1', { a: '1', b: '2' }]);
      assert.throws(() => verify(body, { ...headers, 'x-id': 'del-2' }, 1_700_000_000_000), { code: 'ERR_WEBHOOKS_INVALID_SIGNATURE' });
    });

    it('should name an event "delivery" when neither a type header nor body.type says otherwise', () => {
      const verify = webhookVerifier({ scheme: 'hmac-sha256', secret: 'k', name: 'acme' });
      const { headers, body } = signWebhook({ scheme: 'hmac-sha256', secret: 'k', payload: [1, 2] });
      assert.equal(verify(body, headers).name, 'acme.delivery');
    });
  });

  describe('options', () => {
    const bad = (options: unknown, expected: { code: string; message: string }) =>
      assert.throws(() => webhookVerifier(options as WebhookSourceOptions), { name: 'TypeError', ...expected });

    it('should reject an unknown option with a did-you-mean hint', () => {
      bad({ scheme: 'stripe', secert: 'x' }, { code: 'ERR_WEBHOOKS_UNKNOWN_OPTION', message: '[@agentway/webhooks] unknown option "secert"; did you mean "secret"?' });
    });

    it('should require a scheme and one of secret or secrets', () => {
      bad({ secret: 'x' }, { code: 'ERR_WEBHOOKS_MISSING_OPTION', message: '[@agentway/webhooks] option "scheme" is required' });
      bad({ scheme: 'stripe' }, { code: 'ERR_WEBHOOKS_MISSING_OPTION', message: '[@agentway/webhooks] option "secret" (or "secrets") is required' });
      bad({ scheme: 'stripe', secret: 'a', secrets: ['b'] }, { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] give option "secret" or "secrets", not both' });
      bad({ scheme: 'stripe', secrets: [] }, { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] option "secrets" must be a non-empty array, got an array' });
      bad({ scheme: 'shopify', secret: 'a' }, { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] option "scheme" must be one of "stripe", "slack", "github", "standard-webhooks", "hmac-sha256", got "shopify"' });
    });

    it('should reject a Standard Webhooks secret that is not base64', () => {
      bad({ scheme: 'standard-webhooks', secret: 'whsec_not base64!' }, { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] option "secret" must be a Standard Webhooks secret: "whsec_" and base64' });
    });

    it('should reject options that do not apply to the scheme', () => {
      bad({ scheme: 'stripe', secret: 'a', signatureHeader: 'x-sig' }, { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] option "signatureHeader" only applies to scheme "hmac-sha256"' });
      bad({ scheme: 'github', secret: 'a', tolerance: 60 }, { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] option "tolerance" has no effect: this scheme signs no timestamp' });
    });

    it('should check signedPayload against the headers it needs', () => {
      bad({ scheme: 'hmac-sha256', secret: 'a', signedPayload: '{timestamp}' }, { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] option "signedPayload" must contain "{body}" exactly once' });
      bad({ scheme: 'hmac-sha256', secret: 'a', signedPayload: '{timestamp}.{body}' }, { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] option "signedPayload" uses {timestamp}, which needs option "timestampHeader"' });
      bad({ scheme: 'hmac-sha256', secret: 'a', signedPayload: '{ts}.{body}' }, { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] option "signedPayload" knows only the placeholders {body}, {timestamp} and {id}' });
    });

    it('should take a limit in bytes or as a size string', () => {
      bad({ scheme: 'github', secret: 'a', limit: '12 parsecs' }, { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] option "limit" must be a number of bytes or a size such as "1mb", got "12 parsecs"' });
      const verify = webhookVerifier({ scheme: 'github', secret: 'a', limit: '1kb' });
      const { headers, body } = signWebhook({ scheme: 'github', secret: 'a', payload: { pad: 'x'.repeat(1100) } });
      assert.throws(() => verify(body, headers), { message: '[@agentway/webhooks] the body is larger than the limit of 1024 bytes' });
    });
  });
});
