import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { signWebhook } from '@agentway/testing';
import type { SchemeName, WebhookSourceOptions } from '@agentway/webhooks';

/** One scheme as the tests drive it: secrets, a payload, and a signer — the provider's own library where one exists. */
export interface SchemeFixture {
  readonly scheme: SchemeName;
  /** Options besides scheme and secret(s) (hmac-sha256's header settings). */
  readonly options: Partial<WebhookSourceOptions>;
  readonly secret: string;
  /** The secret being rotated out. */
  readonly oldSecret: string;
  readonly wrongSecret: string;
  /** Whether the scheme signs a time (stale and future deliveries are refused). */
  readonly signsTime: boolean;
  /** The event name handlers see. */
  readonly name: string;
  /** Who signs in tests. */
  readonly signer: string;
  /** A body with newlines and indentation (re-serialising it would break the signature). */
  body(id: string, padding?: number): string;
  sign(body: string, options: { secret: string; timestamp: number; id: string }): Promise<Record<string, string>>;
}

// The octokit methods package is ESM-only (an `import` condition only): import() it from CommonJS.
const octokit = import('@octokit/webhooks-methods');
const pad = (n = 0) => 'x'.repeat(n);

const HMAC_OPTIONS = {
  signatureHeader: 'X-Acme-Signature', signaturePrefix: 'sha256=', encoding: 'base64', timestampHeader: 'X-Acme-Timestamp',
  idHeader: 'X-Acme-Delivery', signedPayload: '{timestamp}.{id}.{body}',
} as const;

export const fixtures: readonly SchemeFixture[] = [
  {
    scheme: 'stripe',
    options: {},
    secret: 'whsec_new_0123456789abcdef',
    oldSecret: 'whsec_old_fedcba9876543210',
    wrongSecret: 'whsec_wrong_00000000000000',
    signsTime: true,
    name: 'stripe.payment_intent.succeeded',
    signer: 'stripe.webhooks.generateTestHeaderString (stripe 23.1.0)',
    body: (id, padding) => JSON.stringify({ id, object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1', amount: 2000, note: pad(padding) } } }, null, 2),
    async sign(body, { secret, timestamp }) {
      return { 'Content-Type': 'application/json', 'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }) };
    },
  },
  {
    scheme: 'slack',
    options: {},
    secret: '8f742231b10e8888abcd99yyyzzz85a5',
    oldSecret: '0000aaaabbbbccccddddeeeeffff1111',
    wrongSecret: '8f742231b10e8888abcd99yyyzzz85a6',
    signsTime: true,
    name: 'slack.app_mention',
    signer: 'signWebhook (checked against Slack\'s published vector)',
    body: (id, padding) => JSON.stringify({ token: 'x', team_id: 'T1', type: 'event_callback', event_id: id, event: { type: 'app_mention', user: 'U1', text: `hi ${pad(padding)}` } }, null, 2),
    async sign(body, { secret, timestamp }) {
      return signWebhook({ scheme: 'slack', secret, payload: body, timestamp }).headers;
    },
  },
  {
    scheme: 'github',
    options: {},
    secret: "It's a Secret to Everybody",
    oldSecret: 'the previous secret',
    wrongSecret: "It's a Secret to Nobody",
    signsTime: false,
    name: 'github.issues.opened',
    signer: 'sign() of @octokit/webhooks-methods 6.0.0',
    body: (_id, padding) => JSON.stringify({ action: 'opened', issue: { number: 1, title: `Bug ${pad(padding)}` } }, null, 2),
    async sign(body, { secret, id }) {
      const { sign } = await octokit;
      return { 'Content-Type': 'application/json', 'X-GitHub-Event': 'issues', 'X-GitHub-Delivery': id, 'X-Hub-Signature-256': await sign(secret, body) };
    },
  },
  {
    scheme: 'standard-webhooks',
    options: {},
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    oldSecret: 'whsec_c2VjcmV0LWJlaW5nLXJvdGF0ZWQtb3V0LTEyMzQ=',
    wrongSecret: 'whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC0xMjM=',
    signsTime: true,
    name: 'standard-webhooks.invoice.paid',
    signer: 'Webhook.sign of standardwebhooks 1.1.1',
    body: (_id, padding) => JSON.stringify({ type: 'invoice.paid', timestamp: '2026-11-01T00:00:00Z', data: { id: 'inv_1', memo: pad(padding) } }, null, 2),
    async sign(body, { secret, timestamp, id }) {
      const signature = new StandardWebhook(secret).sign(id, new Date(timestamp * 1000), body);
      return { 'Content-Type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    },
  },
  {
    scheme: 'hmac-sha256',
    options: HMAC_OPTIONS,
    secret: 'acme-secret-new',
    oldSecret: 'acme-secret-old',
    wrongSecret: 'acme-secret-wrong',
    signsTime: true,
    name: 'hmac-sha256.order.created',
    signer: 'signWebhook (node:crypto)',
    body: (_id, padding) => JSON.stringify({ type: 'order.created', order: { id: 'o_1', note: pad(padding) } }, null, 2),
    async sign(body, { secret, timestamp, id }) {
      return signWebhook({ scheme: 'hmac-sha256', secret, payload: body, timestamp, id, ...HMAC_OPTIONS }).headers;
    },
  },
];

/** Unix seconds now. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

let counter = 0;
/** A fresh delivery id for each test (ids are claimed for de-duplication). */
export const freshId = (prefix = 'evt') => `${prefix}_${process.pid}_${Date.now()}_${++counter}`;
