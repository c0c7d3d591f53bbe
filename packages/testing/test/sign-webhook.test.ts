import assert from 'node:assert/strict';
import request from 'supertest';
import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { Express } from 'express';
import { signWebhook, type SignWebhookOptions } from '@agentway/testing';
import { webhookVerify, type WebhookVerifyOptions } from '@agentway/webhooks';
import { forEachExpress } from '@agentway/test-harness';

// The octokit methods package is ESM-only: import() it from CommonJS.
const octokit = import('@octokit/webhooks-methods');
const STANDARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const STANDARD_OLD = 'whsec_c2VjcmV0LWJlaW5nLXJvdGF0ZWQtb3V0';
const HMAC = { signatureHeader: 'X-Acme-Signature', signaturePrefix: 'sha256=', encoding: 'base64', timestampHeader: 'X-Acme-Timestamp', idHeader: 'X-Acme-Delivery', typeHeader: 'X-Acme-Event', signedPayload: '{timestamp}.{id}.{body}' } as const;
let counter = 0;
const freshId = (prefix: string) => `${prefix}_${process.pid}_${++counter}`;

// Other tests of signWebhook(): packages/webhooks/test/sign-webhook.test.ts (header-for-header
// against stripe, @octokit/webhooks-methods, standardwebhooks and the published vectors) and the
// webhooks suites, which sign with it.

forEachExpress('signWebhook() deliveries that webhookVerify() accepts', (express) => {
  let app: Express;
  const sources: Record<string, WebhookVerifyOptions> = {
    stripe: { scheme: 'stripe', secrets: ['whsec_new', 'whsec_old'] },
    slack: { scheme: 'slack', secret: '8f742231b10e8888abcd99yyyzzz85a5' },
    github: { scheme: 'github', secret: 'octo' },
    standard: { scheme: 'standard-webhooks', secret: STANDARD_SECRET },
    acme: { scheme: 'hmac-sha256', secret: 'acme-key', ...HMAC },
    plain: { scheme: 'hmac-sha256', secret: 'plain-key' },
  };

  before(() => {
    app = express();
    for (const [name, options] of Object.entries(sources)) {
      app.post(`/hooks/${name}`, webhookVerify({ ...options, name }), (req, res) => {
        const { name: event, id, timestamp, payload } = req.webhook!;
        res.json({ event, id, signedTime: timestamp !== null, payload });
      });
    }
  });

  const deliver = (source: string, options: Omit<SignWebhookOptions, 'secret'> & { secret?: SignWebhookOptions['secret'] }) => {
    const { headers, body } = signWebhook({ secret: sources[source]!.secret ?? sources[source]!.secrets!, ...options } as SignWebhookOptions);
    return request(app).post(`/hooks/${source}`).set(headers).send(body);
  };

  it('should sign a Stripe event with the secret being rotated out', async () => {
    const id = freshId('evt');
    await deliver('stripe', { scheme: 'stripe', secret: 'whsec_old', payload: { id, type: 'invoice.paid', data: {} } })
      .expect(200, { event: 'stripe.invoice.paid', id, signedTime: true, payload: { id, type: 'invoice.paid', data: {} } });
  });

  it('should sign a Slack event callback, and a slash command as the form Slack posts', async () => {
    const event = { type: 'event_callback', event_id: freshId('Ev'), event: { type: 'app_mention', text: 'hi' } };
    await deliver('slack', { scheme: 'slack', payload: event }).expect(200, { event: 'slack.app_mention', id: event.event_id, signedTime: true, payload: event });
    const command = { command: '/deploy', text: 'prod now', user_id: 'U1' };
    await deliver('slack', { scheme: 'slack', payload: command, contentType: 'application/x-www-form-urlencoded' })
      .expect(200, { event: 'slack.slash_command', id: null, signedTime: true, payload: command });
  });

  it('should sign a GitHub delivery with its event and delivery id', async () => {
    const id = freshId('guid');
    await deliver('github', { scheme: 'github', event: 'issues', id, payload: { action: 'opened', issue: { number: 1 } } })
      .expect(200, { event: 'github.issues.opened', id, signedTime: false, payload: { action: 'opened', issue: { number: 1 } } });
  });

  it('should sign a Standard Webhooks message', async () => {
    const id = freshId('msg');
    await deliver('standard', { scheme: 'standard-webhooks', id, payload: { type: 'user.created', data: { id: 1 } } })
      .expect(200, { event: 'standard.user.created', id, signedTime: true, payload: { type: 'user.created', data: { id: 1 } } });
  });

  it('should sign hmac-sha256 with the source\'s header settings, or its defaults', async () => {
    const id = freshId('d');
    await deliver('acme', { scheme: 'hmac-sha256', ...HMAC, id, event: 'order.created', payload: { order: 7 } })
      .expect(200, { event: 'acme.order.created', id, signedTime: true, payload: { order: 7 } });
    await deliver('plain', { scheme: 'hmac-sha256', payload: { type: 'ping' } }).expect(200, { event: 'plain.ping', id: null, signedTime: false, payload: { type: 'ping' } });
  });

  it('should make deliveries the verifier refuses when signed with another secret or too long ago', async () => {
    await deliver('github', { scheme: 'github', secret: 'not-octo', payload: { zen: 'x' } }).expect(401);
    await deliver('stripe', { scheme: 'stripe', timestamp: Math.floor(Date.now() / 1000) - 301, payload: { id: freshId('evt'), type: 'x' } }).expect(401);
  });
});

describe('signWebhook() against the providers\' libraries, with rotation', () => {
  it('should put one Standard Webhooks signature per secret, each verified by standardwebhooks', () => {
    const signed = signWebhook({ scheme: 'standard-webhooks', secret: [STANDARD_SECRET, STANDARD_OLD], payload: { type: 'a.b' } });
    assert.match(signed.headers['webhook-signature']!, /^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
    for (const secret of [STANDARD_SECRET, STANDARD_OLD]) assert.deepEqual(new StandardWebhook(secret).verify(signed.body, signed.headers), { type: 'a.b' });
    assert.throws(() => new StandardWebhook('whsec_b3RoZXI=').verify(signed.body, signed.headers), /No matching signature found/);
  });

  it('should sign what Stripe and Octokit verify with a form body as with JSON', async () => {
    const { verify } = await octokit;
    const github = signWebhook({ scheme: 'github', secret: 'octo', payload: { payload: { action: 'opened' } }, contentType: 'application/x-www-form-urlencoded' });
    assert.equal(github.body, 'payload=%7B%22action%22%3A%22opened%22%7D');
    assert.equal(await verify('octo', github.body, github.headers['X-Hub-Signature-256']!), true);
    const stripe = signWebhook({ scheme: 'stripe', secret: 'whsec_x', payload: { id: 'evt_1', type: 'x' }, timestamp: 1_700_000_000 });
    assert.equal(stripe.headers['Stripe-Signature'], Stripe.webhooks.generateTestHeaderString({ payload: stripe.body, secret: 'whsec_x', timestamp: 1_700_000_000 }));
  });
});

describe('signWebhook() options', () => {
  const refused = (options: object, code: string, message: string) => assert.throws(() => signWebhook(options as SignWebhookOptions), {
    name: 'TypeError', code, message: `[@agentway/testing] ${message}`,
  });

  it('should refuse unknown and missing options', () => {
    refused({ scheme: 'github', secret: 's', payload: '', evnt: 'x' }, 'ERR_TESTING_UNKNOWN_OPTION', 'unknown option "evnt"; did you mean "event"?');
    refused({ scheme: 'shopify', secret: 's', payload: '' }, 'ERR_TESTING_INVALID_OPTION',
      'option "scheme" must be one of "stripe", "slack", "github", "standard-webhooks", "hmac-sha256", got "shopify"');
    refused({ scheme: 'github', secret: [], payload: '' }, 'ERR_TESTING_INVALID_OPTION', 'option "secret" must be a non-empty string, or a non-empty array of them, got an array');
    refused({ scheme: 'github', secret: 's' }, 'ERR_TESTING_MISSING_OPTION', 'option "payload" is required');
  });

  it('should refuse options that would have no effect on the scheme', () => {
    refused({ scheme: 'stripe', secret: 's', payload: {}, id: 'evt_1' }, 'ERR_TESTING_INVALID_OPTION', 'signWebhook() option "id" has no effect for scheme "stripe"');
    refused({ scheme: 'github', secret: 's', payload: {}, timestamp: 1 }, 'ERR_TESTING_INVALID_OPTION', 'signWebhook() option "timestamp" has no effect for scheme "github"');
    refused({ scheme: 'slack', secret: 's', payload: {}, signatureHeader: 'x' }, 'ERR_TESTING_INVALID_OPTION', 'signWebhook() option "signatureHeader" applies to scheme "hmac-sha256" only, not "slack"');
    refused({ scheme: 'hmac-sha256', secret: 's', payload: {}, event: 'x' }, 'ERR_TESTING_INVALID_OPTION', 'signWebhook() option "event" has no effect for scheme "hmac-sha256" without option "typeHeader"');
    refused({ scheme: 'hmac-sha256', secret: 's', payload: {}, signedPayload: '{id}:{body}' }, 'ERR_TESTING_INVALID_OPTION', 'signWebhook() option "signedPayload" uses {id}, which needs option "idHeader"');
    refused({ scheme: 'hmac-sha256', secret: 's', payload: {}, signedPayload: '{body}{body}' }, 'ERR_TESTING_INVALID_OPTION',
      'option "signedPayload" must be a text with "{body}" once, and only the placeholders {body}, {timestamp} and {id}, got "{body}{body}"');
  });

  it('should refuse several secrets for providers that send one signature', () => {
    refused({ scheme: 'github', secret: ['a', 'b'], payload: {} }, 'ERR_TESTING_INVALID_OPTION',
      'signWebhook() option "secret" must be one secret for "github", which sends one signature: to test rotation, sign with the old secret');
  });
});
