import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { ErrorRequestHandler, Express } from 'express';
import request from 'supertest';
import { forEachExpress, type ExpressModule } from '@agentway/test-harness';
import { listen, signWebhook } from '@agentway/testing';
import { webhookVerify, type WebhookEvent, type WebhookVerifyOptions } from '@agentway/webhooks';
import { fixtures, freshId, nowSeconds, type SchemeFixture } from './support/scheme-fixtures';

interface Harness {
  app: Express;
  seen: WebhookEvent[];
  errors: { code?: string; message: string }[];
}

const errorHandler = (errors: Harness['errors']): ErrorRequestHandler => (err, _req, res, _next) => {
  errors.push({ code: err.code, message: err.message });
  res.status(err.status ?? 500).json({ code: err.code });
};

function harness(express: ExpressModule, options: WebhookVerifyOptions, before?: (app: Express) => void): Harness {
  const app = express();
  const seen: WebhookEvent[] = [];
  const errors: Harness['errors'] = [];
  before?.(app);
  app.post('/hook', webhookVerify(options), (req, res) => {
    seen.push(req.webhook!);
    res.json({ name: req.webhook!.name, bodyIsPayload: req.body === req.webhook!.payload, raw: req.rawBody!.length });
  });
  app.use(errorHandler(errors));
  return { app, seen, errors };
}

function matrix(express: ExpressModule, f: SchemeFixture): void {
  const options = (extra: Partial<WebhookVerifyOptions> = {}): WebhookVerifyOptions => ({ scheme: f.scheme, secret: f.secret, ...f.options, ...extra } as WebhookVerifyOptions);
  const deliver = async (app: Express, signing: Partial<{ secret: string; timestamp: number; id: string; padding: number }> = {}, tamper?: (body: string) => string) => {
    const id = signing.id ?? freshId();
    const body = f.body(id, signing.padding);
    const headers = await f.sign(body, { secret: signing.secret ?? f.secret, timestamp: signing.timestamp ?? nowSeconds(), id });
    const res = await request(app).post('/hook').set(headers).send(tamper ? tamper(body) : body);
    return res;
  };
  const status = (code: number) => (res: request.Response) => {
    assert.equal(res.status, code, res.text);
    return res;
  };
  const refused = (status: number, code: string) => (res: request.Response) => {
    assert.equal(res.status, status);
    assert.equal(res.body.error.code, code);
    assert.match(res.body.error.message, /^\[@agentway\/webhooks\] /);
  };

  describe(`with scheme "${f.scheme}", signed by ${f.signer}`, () => {
    it('should pass a valid delivery on with req.webhook, req.body and req.rawBody', async () => {
      const h = harness(express, options());
      const res = await deliver(h.app).then(status(200));
      assert.equal(res.body.name, f.name);
      assert.equal(res.body.bodyIsPayload, true);
      assert.equal(h.seen.length, 1);
      assert.equal(h.seen[0]!.scheme, f.scheme);
      assert.equal(h.seen[0]!.timestamp === null, !f.signsTime);
    });

    it('should 401 when one byte of the body was changed', async () => {
      const h = harness(express, options());
      await deliver(h.app, {}, (body) => {
        const tampered = body.replace('"opened"', '"closed"').replace('2000', '2001').replace('"hi ', '"ho ').replace('inv_1', 'inv_2').replace('o_1', 'o_2');
        assert.equal(tampered.length, body.length);
        assert.notEqual(tampered, body);
        return tampered;
      }).then(refused(401, 'ERR_WEBHOOKS_INVALID_SIGNATURE'));
      assert.equal(h.seen.length, 0);
    });

    it('should 401 when signed with the wrong secret, echoing neither secret nor signature', async () => {
      const h = harness(express, options());
      const id = freshId();
      const body = f.body(id);
      const right = JSON.stringify(await f.sign(body, { secret: f.secret, timestamp: nowSeconds(), id }));
      const res = await request(h.app).post('/hook').set(await f.sign(body, { secret: f.wrongSecret, timestamp: nowSeconds(), id })).send(body);
      refused(401, 'ERR_WEBHOOKS_INVALID_SIGNATURE')(res);
      for (const secret of [f.secret, f.wrongSecret]) assert.equal(res.text.includes(secret), false);
      for (const token of right.match(/[A-Za-z0-9+/=]{40,}/g) ?? []) assert.equal(res.text.includes(token), false, 'the expected signature leaked');
      assert.equal(h.seen.length, 0);
    });

    it('should accept the old and the new secret while rotating', async () => {
      const h = harness(express, { scheme: f.scheme, secrets: [f.secret, f.oldSecret], ...f.options } as WebhookVerifyOptions);
      await deliver(h.app, { secret: f.oldSecret }).then(status(200));
      await deliver(h.app, { secret: f.secret }).then(status(200));
      await deliver(h.app, { secret: f.wrongSecret }).then(status(401));
      assert.equal(h.seen.length, 2);
    });

    if (f.signsTime) {
      it('should 401 when the signed timestamp is older than the tolerance', async () => {
        const h = harness(express, options({ tolerance: 60 }));
        await deliver(h.app, { timestamp: nowSeconds() - 120 }).then(refused(401, 'ERR_WEBHOOKS_STALE_TIMESTAMP'));
        await deliver(h.app, { timestamp: nowSeconds() - 30 }).then(status(200));
      });

      it('should 401 when the signed timestamp is ahead by more than the tolerance', async () => {
        const h = harness(express, options());
        await deliver(h.app, { timestamp: nowSeconds() + 400 }).then(refused(401, 'ERR_WEBHOOKS_FUTURE_TIMESTAMP'));
        assert.equal(h.seen.length, 0);
      });
    }

    it('should answer a duplicate 200 without passing it on', async () => {
      const h = harness(express, options());
      const id = freshId();
      await deliver(h.app, { id }).then(status(200));
      // A retry: signed again (a fresh timestamp where the scheme has one), same delivery id.
      const res = await deliver(h.app, { id }).then(status(200));
      assert.deepEqual(res.body, { received: true, duplicate: true });
      assert.equal(h.seen.length, 1);
    });

    it('should 413 when the body is over the limit', async () => {
      const h = harness(express, options({ limit: 1024 }));
      await deliver(h.app, { padding: 2000 }).then(refused(413, 'ERR_WEBHOOKS_BODY_TOO_LARGE'));
      await deliver(h.app, { padding: 10 }).then(status(200));
    });

    it('should use req.rawBody when the app parsed the body first and kept its bytes', async () => {
      const h = harness(express, options(), (app) => app.use(express.json({ verify: (req, _res, buf) => { (req as { rawBody?: Buffer }).rawBody = buf; } })));
      const res = await deliver(h.app).then(status(200));
      assert.equal(res.body.name, f.name);
    });

    it('should fail with a configuration error, not a 401, when the app parsed the body and dropped its bytes', async () => {
      const h = harness(express, options(), (app) => app.use(express.json()));
      const res = await deliver(h.app).then(status(500));
      assert.deepEqual(res.body, { code: 'ERR_WEBHOOKS_BODY_ALREADY_PARSED' });
      assert.equal(h.errors.length, 1);
      assert.match(h.errors[0]!.message, /Mount the webhook route before any body parser/);
      assert.match(h.errors[0]!.message, /express\.json\(\{ verify: \(req, res, buf\) => \{ req\.rawBody = buf; \} \}\)/);
    });
  });
}

forEachExpress('webhookVerify()', (express) => {
  for (const f of fixtures) matrix(express, f);

  describe('reading the body', () => {
    const secret = 'gh-secret';
    const options = { scheme: 'github', secret } as const;

    it('should use the Buffer express.raw() left in req.body', async () => {
      const h = harness(express, options, (app) => app.use(express.raw({ type: () => true })));
      const { headers, body } = signWebhook({ scheme: 'github', secret, payload: { zen: 'Keep it logically awesome.' } });
      const res = await request(h.app).post('/hook').set(headers).send(body).expect(200);
      assert.equal(res.body.name, 'github.ping');
    });

    // superagent would JSON-encode a Buffer sent as application/json: send the gzip bytes as they are.
    const asIs = (data: unknown) => data as string;

    it('should verify the inflated bytes of a gzip body and apply the limit to them', async () => {
      const h = harness(express, { ...options, limit: 2048 });
      const { headers, body } = signWebhook({ scheme: 'github', secret, payload: { zen: 'z'.repeat(1000) } });
      await request(h.app).post('/hook').set(headers).set('Content-Encoding', 'gzip').serialize(asIs).send(gzipSync(body)).expect(200);
      const big = signWebhook({ scheme: 'github', secret, payload: { zen: 'z'.repeat(100_000) } });
      const res = await request(h.app).post('/hook').set(big.headers).set('Content-Encoding', 'gzip').serialize(asIs).send(gzipSync(big.body)).expect(413);
      assert.equal(res.body.error.code, 'ERR_WEBHOOKS_BODY_TOO_LARGE');
      await request(h.app).post('/hook').set(headers).set('Content-Encoding', 'gzip').serialize(asIs).send(Buffer.from('not gzip at all'))
        .expect(400).expect((r) => assert.equal(r.body.error.code, 'ERR_WEBHOOKS_MALFORMED_BODY'));
    });

    it('should 415 an unknown content encoding and an unsupported content type', async () => {
      const h = harness(express, options);
      const { headers, body } = signWebhook({ scheme: 'github', secret, payload: {} });
      await request(h.app).post('/hook').set(headers).set('Content-Encoding', 'compress').send(body)
        .expect(415).expect((r) => assert.equal(r.body.error.code, 'ERR_WEBHOOKS_UNSUPPORTED_ENCODING'));
      const xml = signWebhook({ scheme: 'github', secret, payload: '<ping/>', contentType: 'application/xml' });
      await request(h.app).post('/hook').set(xml.headers).send(xml.body)
        .expect(415).expect((r) => assert.equal(r.body.error.code, 'ERR_WEBHOOKS_UNSUPPORTED_MEDIA_TYPE'));
      assert.equal(h.seen.length, 0);
    });

    it('should 400 a signed body that is not JSON, and 401 before parsing an unsigned one', async () => {
      const h = harness(express, options);
      const signed = signWebhook({ scheme: 'github', secret, payload: '{"zen": ' });
      await request(h.app).post('/hook').set(signed.headers).send(signed.body)
        .expect(400, { error: { code: 'ERR_WEBHOOKS_MALFORMED_BODY', message: '[@agentway/webhooks] the body is not valid JSON' } });
      await request(h.app).post('/hook').set('Content-Type', 'application/json').send('{"zen": ')
        .expect(401, { error: { code: 'ERR_WEBHOOKS_MISSING_SIGNATURE', message: '[@agentway/webhooks] the delivery has no X-Hub-Signature-256 header' } });
    });

    it('should survive a client that goes away in the middle of the body', async () => {
      const h = harness(express, options);
      const server = await listen(h.app);
      try {
        const ended = new Promise<void>((resolve) => server.server.once('request', (_req, res) => res.once('close', resolve)));
        const socket = connect(server.port, '127.0.0.1');
        await new Promise<void>((resolve) => socket.once('connect', resolve));
        socket.write('POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nX-Hub-Signature-256: sha256=00\r\n\r\n{"zen":');
        await new Promise((resolve) => setImmediate(resolve));
        socket.destroy();
        await ended;
        const { headers, body } = signWebhook({ scheme: 'github', secret, payload: { zen: 'still up' } });
        await request(server.url).post('/hook').set(headers).send(body).expect(200);
        // Only the complete delivery reached the route, and nothing unexpected reached the error handler.
        assert.deepEqual([h.seen.length, h.errors], [1, []]);
      } finally {
        await server.close();
      }
    });

    it('should read a GitHub form delivery (payload=…)', async () => {
      const h = harness(express, options);
      const form = `payload=${encodeURIComponent(JSON.stringify({ action: 'created', comment: { id: 7 } }))}`;
      const { headers, body } = signWebhook({ scheme: 'github', secret, payload: form, event: 'issue_comment', contentType: 'application/x-www-form-urlencoded' });
      const res = await request(h.app).post('/hook').set(headers).send(body).expect(200);
      assert.equal(res.body.name, 'github.issue_comment.created');
      assert.deepEqual(h.seen[0]!.payload, { action: 'created', comment: { id: 7 } });
    });
  });

  describe('with scheme "slack"', () => {
    const secret = 'slack-signing-secret';
    const options = { scheme: 'slack', secret } as const;

    it('should answer url_verification with its challenge, and only when signed', async () => {
      const h = harness(express, options);
      const { headers, body } = signWebhook({ scheme: 'slack', secret, payload: { token: 't', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' } });
      await request(h.app).post('/hook').set(headers).send(body).expect(200, { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
      await request(h.app).post('/hook').set('Content-Type', 'application/json').send(body).expect(401);
      assert.equal(h.seen.length, 0);
    });

    it('should answer the unsigned ssl_check 200 without passing it on', async () => {
      const h = harness(express, options);
      await request(h.app).post('/hook').type('form').send('ssl_check=1&token=x').expect(200, '');
      assert.equal(h.seen.length, 0);
    });

    it('should read slash commands and interactivity payloads from forms', async () => {
      const h = harness(express, options);
      const command = signWebhook({ scheme: 'slack', secret, payload: 'command=%2Fweather&text=Paris&user_id=U1', contentType: 'application/x-www-form-urlencoded' });
      await request(h.app).post('/hook').set(command.headers).send(command.body).expect(200);
      const action = signWebhook({ scheme: 'slack', secret, contentType: 'application/x-www-form-urlencoded',
        payload: `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [{ action_id: 'ok' }] }))}` });
      await request(h.app).post('/hook').set(action.headers).send(action.body).expect(200);
      assert.deepEqual(h.seen.map((e) => [e.name, e.id]), [['slack.slash_command', null], ['slack.block_actions', null]]);
      assert.equal(h.seen[0]!.payload.text, 'Paris');
    });

    it('should tell Slack not to retry a refused delivery', async () => {
      const h = harness(express, options);
      const { headers, body } = signWebhook({ scheme: 'slack', secret: 'not-it', payload: { type: 'event_callback', event_id: 'Ev1', event: { type: 'message' } } });
      await request(h.app).post('/hook').set(headers).send(body).expect(401).expect('X-Slack-No-Retry', '1');
    });
  });

  describe('with idempotency', () => {
    const secret = 'whsec_dedupe';
    const stripeDelivery = (id: string) => signWebhook({ scheme: 'stripe', secret, payload: { id, type: 'invoice.paid' } });

    it('should give the claim back when the handler answers 5xx, so the retry gets through', async () => {
      const app = express();
      let calls = 0;
      app.post('/hook', webhookVerify({ scheme: 'stripe', secret }), (_req, res) => {
        calls++;
        res.status(calls === 1 ? 500 : 200).json({ calls });
      });
      const { headers, body } = stripeDelivery(freshId());
      await request(app).post('/hook').set(headers).send(body).expect(500);
      await request(app).post('/hook').set(headers).send(body).expect(200, { calls: 2 });
      await request(app).post('/hook').set(headers).send(body).expect(200, { received: true, duplicate: true });
    });

    it('should claim in the store given, and not at all with idempotency: false', async () => {
      const claimed: [string, number][] = [];
      const store = { async claim(key: string, ttl: number) { claimed.push([key, ttl]); return true; } };
      const id = freshId();
      const withStore = harness(express, { scheme: 'stripe', secret, idempotency: store, dedupeTtl: 60_000 });
      await request(withStore.app).post('/hook').set(stripeDelivery(id).headers).send(stripeDelivery(id).body).expect(200);
      assert.deepEqual(claimed, [[`webhooks:stripe:${id}`, 60_000]]);
      const without = harness(express, { scheme: 'stripe', secret, idempotency: false });
      const { headers, body } = stripeDelivery(id);
      await request(without.app).post('/hook').set(headers).send(body).expect(200);
      await request(without.app).post('/hook').set(headers).send(body).expect(200);
      assert.equal(without.seen.length, 2);
    });

    it('should 503 when the store fails, so the provider retries', async () => {
      const store = { async claim(): Promise<boolean> { throw new Error('connection lost'); } };
      const h = harness(express, { scheme: 'stripe', secret, idempotency: store });
      const { headers, body } = stripeDelivery(freshId());
      const res = await request(h.app).post('/hook').set(headers).send(body).expect(503).expect('Retry-After', '30');
      assert.equal(res.body.error.code, 'ERR_WEBHOOKS_STORE_FAILED');
      assert.equal(res.text.includes('connection lost'), false);
    });
  });
});
