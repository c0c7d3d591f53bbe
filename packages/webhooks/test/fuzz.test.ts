import assert from 'node:assert/strict';
import type { ErrorRequestHandler } from 'express';
import request from 'supertest';
import { forEachExpress } from '@agentway/test-harness';
import { webhookVerifier, webhookVerify, WebhooksError, type WebhookSourceOptions, type WebhookVerifierFunction } from '@agentway/webhooks';
import { fixtures, freshId, type SchemeFixture } from './support/scheme-fixtures';

/** mulberry32: a small seeded generator, so that a failure can be replayed with WEBHOOKS_FUZZ_SEED. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.WEBHOOKS_FUZZ_SEED ?? 20261101);
const PER_SCHEME = 2_500;
const NOW = 1_790_000_000;

interface Delivery {
  body: Buffer;
  headers: Record<string, string>;
}

/** The headers a scheme signs (or signs with): editing them must break the signature. */
const SIGNED: Record<string, { signature: string; timestamp?: string; id?: string }> = {
  stripe: { signature: 'stripe-signature' },
  slack: { signature: 'x-slack-signature', timestamp: 'x-slack-request-timestamp' },
  github: { signature: 'x-hub-signature-256' },
  'standard-webhooks': { signature: 'webhook-signature', timestamp: 'webhook-timestamp', id: 'webhook-id' },
  'hmac-sha256': { signature: 'x-acme-signature', timestamp: 'x-acme-timestamp', id: 'x-acme-delivery' },
};

const lower = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

async function signed(f: SchemeFixture, secret: string, timestamp: number, id = freshId(), body = f.body(id)): Promise<Delivery> {
  return { body: Buffer.from(body), headers: lower(await f.sign(body, { secret, timestamp, id })) };
}

type Mutation = (d: Delivery, random: () => number, f: SchemeFixture) => Promise<{ what: string; delivery: Delivery }>;

const pick = <T>(random: () => number, items: ArrayLike<T>): T => items[Math.floor(random() * items.length)]!;
const ALPHABET = 'abcdef0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZghijklmnopqrstuvwxyz+/=,. ';

const mutations: Record<string, Mutation> = {
  async flipBodyBit(d, random) {
    const body = Buffer.from(d.body);
    const at = Math.floor(random() * body.length);
    body[at]! ^= 1 << Math.floor(random() * 8);
    return { what: `flipped a bit of body byte ${at}`, delivery: { ...d, body } };
  },
  async insertOrDropBodyByte(d, random) {
    const at = Math.floor(random() * d.body.length);
    const body = random() < 0.5
      ? Buffer.concat([d.body.subarray(0, at), Buffer.from([Math.floor(random() * 256)]), d.body.subarray(at)])
      : Buffer.concat([d.body.subarray(0, at), d.body.subarray(at + 1)]);
    return { what: `changed the body length at ${at}`, delivery: { ...d, body } };
  },
  async truncateSignature(d, random, f) {
    const name = SIGNED[f.scheme]!.signature;
    const value = d.headers[name]!;
    const cut = Math.floor(random() * value.length);
    return { what: `truncated ${name} to ${cut} chars`, delivery: { ...d, headers: { ...d.headers, [name]: value.slice(0, cut) } } };
  },
  async editSignatureChar(d, random, f) {
    const name = SIGNED[f.scheme]!.signature;
    const value = d.headers[name]!;
    const at = Math.floor(random() * value.length);
    let next = pick(random, ALPHABET);
    while (next === value[at]) next = pick(random, ALPHABET);
    return { what: `${name}[${at}] ${value[at]} → ${next}`, delivery: { ...d, headers: { ...d.headers, [name]: value.slice(0, at) + next + value.slice(at + 1) } } };
  },
  async shiftTimestamp(d, random, f) {
    const shift = (1 + Math.floor(random() * 100_000)) * (random() < 0.5 ? -1 : 1);
    const name = SIGNED[f.scheme]!.timestamp;
    if (name === undefined) {
      if (f.scheme !== 'stripe') return mutations.flipBodyBit!(d, random, f);
      const header = d.headers['stripe-signature']!.replace(/t=(\d+)/, (_m, t: string) => `t=${Number(t) + shift}`);
      return { what: `Stripe t shifted by ${shift}`, delivery: { ...d, headers: { ...d.headers, 'stripe-signature': header } } };
    }
    return { what: `${name} shifted by ${shift}`, delivery: { ...d, headers: { ...d.headers, [name]: String(Number(d.headers[name]) + shift) } } };
  },
  async resignOutsideWindow(d, random, f) {
    if (!f.signsTime) return mutations.editSignatureChar!(d, random, f);
    const shift = (301 + Math.floor(random() * 1_000_000)) * (random() < 0.5 ? -1 : 1);
    return { what: `re-signed ${shift} s away`, delivery: await signed(f, f.secret, NOW + shift) };
  },
  async editSignedId(d, random, f) {
    const name = SIGNED[f.scheme]!.id;
    if (name === undefined) return mutations.insertOrDropBodyByte!(d, random, f);
    return { what: `${name} edited`, delivery: { ...d, headers: { ...d.headers, [name]: `${d.headers[name]}${pick(random, 'xyz0')}` } } };
  },
  async dropSignedHeader(d, random, f) {
    const { signature, timestamp, id } = SIGNED[f.scheme]!;
    const name = pick(random, [signature, timestamp, id].filter((h): h is string => h !== undefined));
    const headers = { ...d.headers };
    delete headers[name];
    return { what: `dropped ${name}`, delivery: { ...d, headers } };
  },
  async wrongSecret(_d, random, f) {
    // (Not `${secret}x` for Standard Webhooks: a base64 secret with one stray character decodes to the same key.)
    const others = f.scheme === 'standard-webhooks' ? [f.wrongSecret, f.oldSecret] : [f.wrongSecret, f.oldSecret, `${f.secret}x`];
    return { what: 'signed with another secret', delivery: await signed(f, pick(random, others), NOW) };
  },
};

const names = Object.keys(mutations);

function verifierFor(f: SchemeFixture): WebhookVerifierFunction {
  return webhookVerifier({ scheme: f.scheme, secret: f.secret, ...f.options } as WebhookSourceOptions);
}

async function baseDeliveries(f: SchemeFixture, count: number): Promise<Delivery[]> {
  const out: Delivery[] = [];
  for (let i = 0; i < count; i++) out.push(await signed(f, f.secret, NOW - 100 + i * 10));
  return out;
}

describe('verification under fuzzing', () => {
  for (const f of fixtures) {
    it(`should accept none of ${PER_SCHEME} mutated ${f.scheme} deliveries (seed ${SEED})`, async () => {
      const verify = verifierFor(f);
      const random = generator(SEED ^ f.scheme.length * 7919);
      const bases = await baseDeliveries(f, 16);
      for (const base of bases) assert.equal(verify(base.body, base.headers, NOW * 1000).name, f.name, 'an unmutated delivery must verify');
      const counts: Record<string, number> = {};
      for (let i = 0; i < PER_SCHEME; i++) {
        const name = pick(random, names);
        const { what, delivery } = await mutations[name]!(pick(random, bases), random, f);
        counts[name] = (counts[name] ?? 0) + 1;
        try {
          verify(delivery.body, delivery.headers, NOW * 1000);
        } catch (err) {
          assert.ok(err instanceof WebhooksError, `${what}: ${String(err)}`);
          assert.equal(err.status, 401, `${what}: ${err.message}`);
          continue;
        }
        assert.fail(`accepted a mutated ${f.scheme} delivery (${what}; iteration ${i}, seed ${SEED})`);
      }
      for (const name of names) assert.ok((counts[name] ?? 0) > 100, `mutation ${name} ran ${counts[name] ?? 0} times`);
    });
  }
});

forEachExpress('webhookVerify() under fuzzing', (express) => {
  const PER_SCHEME_HTTP = 40;
  for (const f of fixtures) {
    it(`should 401 each of ${PER_SCHEME_HTTP} mutated ${f.scheme} deliveries and pass none on`, async () => {
      const app = express();
      let passed = 0;
      app.post('/hook', webhookVerify({ scheme: f.scheme, secret: f.secret, ...f.options } as WebhookSourceOptions), (_req, res) => {
        passed++;
        res.end();
      });
      const handler: ErrorRequestHandler = (err, _req, res, _next) => { res.status(599).json({ unexpected: String(err) }); };
      app.use(handler);
      const random = generator(SEED + f.scheme.length);
      const now = Math.floor(Date.now() / 1000);
      const bases: Delivery[] = [];
      for (let i = 0; i < 4; i++) bases.push(await signed(f, f.secret, now));
      const valid = await request(app).post('/hook').set(bases[0]!.headers).serialize((data: unknown) => data as string).send(bases[0]!.body);
      assert.equal(valid.status, 200, 'an unmutated delivery must pass');
      for (let i = 0; i < PER_SCHEME_HTTP; i++) {
        const name = names[i % names.length]!;
        const { what, delivery } = await mutations[name]!(pick(random, bases), random, f);
        const res = await request(app).post('/hook').set(delivery.headers).serialize((data: unknown) => data as string).send(delivery.body);
        assert.equal(res.status, 401, `${what}: ${res.text}`);
      }
      assert.equal(passed, 1, 'only the unmutated delivery passed');
    });
  }
});
