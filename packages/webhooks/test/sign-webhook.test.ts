import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { signWebhook } from '@agentway/testing';
import { GITHUB_VECTOR, SLACK_VECTOR, STANDARD_VECTOR } from './support/vectors';

const octokit = import('@octokit/webhooks-methods');
const body = JSON.stringify({ id: 'evt_1', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1' } } }, null, 2);

describe('signWebhook() from @agentway/testing, against the providers\' own libraries', () => {
  describe('with scheme "stripe"', () => {
    it('should write the header stripe.webhooks.generateTestHeaderString writes', () => {
      const secret = 'whsec_abc';
      const signed = signWebhook({ scheme: 'stripe', secret, payload: body, timestamp: 1_700_000_000 });
      assert.equal(signed.body, body);
      assert.equal(signed.headers['Stripe-Signature'], Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: 1_700_000_000 }));
    });

    it('should sign what stripe.webhooks.constructEvent accepts, one v1 per secret', () => {
      const signed = signWebhook({ scheme: 'stripe', secret: ['whsec_new', 'whsec_old'], payload: JSON.parse(body) });
      assert.match(signed.headers['Stripe-Signature']!, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
      for (const secret of ['whsec_new', 'whsec_old']) {
        assert.equal(Stripe.webhooks.constructEvent(signed.body, signed.headers['Stripe-Signature']!, secret).id, 'evt_1');
      }
      assert.throws(() => Stripe.webhooks.constructEvent(signed.body, signed.headers['Stripe-Signature']!, 'whsec_other'), /No signatures found/);
    });
  });

  describe('with scheme "github"', () => {
    it('should write the signature sign() of @octokit/webhooks-methods writes, and verify() accepts it', async () => {
      const { sign, verify } = await octokit;
      const signed = signWebhook({ scheme: 'github', secret: 'octo', payload: body, event: 'issues', id: 'guid-1' });
      assert.equal(signed.headers['X-Hub-Signature-256'], await sign('octo', body));
      assert.equal(await verify('octo', body, signed.headers['X-Hub-Signature-256']!), true);
      assert.deepEqual([signed.headers['X-GitHub-Event'], signed.headers['X-GitHub-Delivery']], ['issues', 'guid-1']);
    });

    it('should reproduce GitHub\'s published test vector', () => {
      const signed = signWebhook({ scheme: 'github', secret: GITHUB_VECTOR.secret, payload: GITHUB_VECTOR.body });
      assert.equal(signed.headers['X-Hub-Signature-256'], GITHUB_VECTOR.signature);
    });
  });

  describe('with scheme "standard-webhooks"', () => {
    it('should reproduce the spec\'s test vector and Webhook.sign of standardwebhooks', () => {
      const signed = signWebhook({ scheme: 'standard-webhooks', secret: STANDARD_VECTOR.secret, payload: STANDARD_VECTOR.body, id: STANDARD_VECTOR.id, timestamp: STANDARD_VECTOR.timestamp });
      assert.equal(signed.headers['webhook-signature'], STANDARD_VECTOR.signature);
      assert.equal(signed.headers['webhook-signature'],
        new StandardWebhook(STANDARD_VECTOR.secret).sign(STANDARD_VECTOR.id, new Date(STANDARD_VECTOR.timestamp * 1000), STANDARD_VECTOR.body));
    });

    it('should sign what Webhook.verify of standardwebhooks accepts', () => {
      const signed = signWebhook({ scheme: 'standard-webhooks', secret: STANDARD_VECTOR.secret, payload: { type: 'user.created', data: { id: 1 } } });
      assert.deepEqual(new StandardWebhook(STANDARD_VECTOR.secret).verify(signed.body, signed.headers), { type: 'user.created', data: { id: 1 } });
    });
  });

  describe('with scheme "slack"', () => {
    it('should reproduce Slack\'s published test vector', () => {
      const signed = signWebhook({ scheme: 'slack', secret: SLACK_VECTOR.secret, payload: SLACK_VECTOR.body, timestamp: SLACK_VECTOR.timestamp, contentType: 'application/x-www-form-urlencoded' });
      assert.deepEqual(signed.headers, {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Slack-Request-Timestamp': '1531420618',
        'X-Slack-Signature': SLACK_VECTOR.signature,
      });
    });
  });

  describe('with scheme "hmac-sha256"', () => {
    it('should sign the signedPayload template with the configured header, prefix and encoding', () => {
      const signed = signWebhook({
        scheme: 'hmac-sha256', secret: 'k', payload: 'body', timestamp: 42, id: 'd-1', signatureHeader: 'X-Sig', signaturePrefix: 'sha256=', encoding: 'base64',
        timestampHeader: 'X-Time', idHeader: 'X-Id', signedPayload: '{id}/{timestamp}/{body}',
      });
      assert.deepEqual(signed.headers, {
        'Content-Type': 'application/json', 'X-Time': '42', 'X-Id': 'd-1',
        'X-Sig': `sha256=${createHmac('sha256', 'k').update('d-1/42/body').digest('base64')}`,
      });
    });
  });

  it('should refuse an unknown scheme and an empty list of secrets', () => {
    assert.throws(() => signWebhook({ scheme: 'shopify' as never, secret: 'k', payload: '' }), {
      code: 'ERR_TESTING_INVALID_OPTION', message: '[@agentway/testing] option "scheme" must be one of "stripe", "slack", "github", "standard-webhooks", "hmac-sha256", got "shopify"',
    });
    assert.throws(() => signWebhook({ scheme: 'github', secret: [], payload: '' }), {
      code: 'ERR_TESTING_INVALID_OPTION', message: '[@agentway/testing] option "secret" must be a non-empty string, or a non-empty array of them, got an array',
    });
  });
});
