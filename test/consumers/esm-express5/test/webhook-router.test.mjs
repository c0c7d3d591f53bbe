import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { signWebhook } from '@agentway/testing';
import { createWebhookApp } from '../webhooks.mjs';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

/** Handler calls, awaited in order. */
function calls() {
  const seen = [];
  const waiting = [];
  return {
    push(value) {
      seen.push(value);
      waiting.splice(0).forEach((w) => w());
    },
    async until(count) {
      while (seen.length < count) await new Promise((resolve) => waiting.push(resolve));
      return seen;
    },
  };
}

describe('esm-express5', () => {
  describe('WebhookRouter', () => {
    let paid;
    let hooks;

    before(() => {
      paid = calls();
      hooks = createWebhookApp({ secret: SECRET, onPaid: (event) => paid.push(event) });
    });

    after(() => hooks.close());

    const deliver = (id, invoice) => {
      const { headers, body } = signWebhook({ scheme: 'standard-webhooks', secret: SECRET, id, payload: { type: 'invoice.paid', data: { invoice } } });
      return request(hooks.app).post('/webhooks/billing').set(headers).send(body);
    };

    it('should 200 a Standard Webhooks delivery and run its handler from the broker', async () => {
      await deliver('msg_1', 'in_1').expect(200, { received: true });
      const [event] = await paid.until(1);
      assert.deepEqual([event.source, event.scheme, event.id, event.type, event.name, event.payload], [
        'billing', 'standard-webhooks', 'msg_1', 'invoice.paid', 'billing.invoice.paid', { type: 'invoice.paid', data: { invoice: 'in_1' } },
      ]);
      await request(hooks.app).get('/status').expect(200, { ok: true });
    });

    it('should 200 a duplicate delivery without running the handler again', async () => {
      await deliver('msg_1', 'in_1').expect(200, { received: true, duplicate: true });
      await deliver('msg_2', 'in_2').expect(200, { received: true });
      const events = await paid.until(2);
      assert.deepEqual(events.map((e) => e.id), ['msg_1', 'msg_2']);
    });
  });
});
