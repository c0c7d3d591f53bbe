import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { anyOf, arrayOf, checkOptions, number, oneOf, OptionError, required, satisfies, string } from '@agentway/options';

/** The schemes `signWebhook()` signs: the ones `webhookVerify()` from `@agentway/webhooks` accepts. */
export type SignWebhookScheme = 'stripe' | 'slack' | 'github' | 'standard-webhooks' | 'hmac-sha256';

/** What to sign, and how (the hmac-sha256 settings are `webhookVerify()`'s, with its defaults). */
export interface SignWebhookOptions {
  scheme: SignWebhookScheme;
  /**
   * The signing secret, as the receiving source is configured with it (Stripe's `whsec_…` as
   * written, Standard Webhooks' `whsec_<base64>`). Several (Stripe, Standard Webhooks and
   * hmac-sha256 only) put one signature per secret in the header, as those senders do while rotating.
   */
  secret: string | readonly string[];
  /**
   * The body: sent as is when a string; otherwise as JSON, or URL-encoded when `contentType` is
   * `application/x-www-form-urlencoded` (values that are not strings as JSON, as Slack sends `payload`).
   */
  payload: string | object;
  /** The signed Unix time in seconds (not GitHub's; hmac-sha256 with a `timestampHeader`). Default: now. */
  timestamp?: number;
  /** The delivery id: `X-GitHub-Delivery`, `webhook-id`, or the hmac-sha256 `idHeader`. Default: a random one. */
  id?: string;
  /** GitHub: `X-GitHub-Event` (default `ping`); hmac-sha256: the `typeHeader` value (default `delivery`). */
  event?: string;
  /** Default `application/json`. */
  contentType?: string;
  /** hmac-sha256: the header for the signature(s), default `x-signature`. */
  signatureHeader?: string;
  /** hmac-sha256: text before each signature, such as `sha256=`. Default none. */
  signaturePrefix?: string;
  /** hmac-sha256: default `hex`. */
  encoding?: 'hex' | 'base64' | 'base64url';
  /** hmac-sha256: a header carrying the signed time. */
  timestampHeader?: string;
  /** hmac-sha256: a header carrying the delivery id. */
  idHeader?: string;
  /** hmac-sha256: a header carrying the event type. */
  typeHeader?: string;
  /** hmac-sha256: the signed text, `{body}` once, `{timestamp}` and `{id}` (default `{body}`, or `{timestamp}.{body}` with a timestampHeader). */
  signedPayload?: string;
}

/** A signed delivery, ready for supertest: `.set(headers).send(body)`. */
export interface SignedWebhook {
  readonly headers: Record<string, string>;
  /** The exact bytes signed: send this string, not the payload object. */
  readonly body: string;
}

const nonEmpty = string({ nonEmpty: true });
const schema = {
  scheme: required(oneOf('stripe', 'slack', 'github', 'standard-webhooks', 'hmac-sha256')),
  secret: required(anyOf<[string, string[]]>('a non-empty string, or a non-empty array of them', nonEmpty, arrayOf(nonEmpty, { nonEmpty: true }))),
  payload: required(satisfies<string | object>('a string, an object or an array', (v) => typeof v === 'string' || (typeof v === 'object' && v !== null))),
  timestamp: number({ min: 0, integer: true }),
  id: nonEmpty, event: nonEmpty, contentType: nonEmpty, signatureHeader: nonEmpty, signaturePrefix: string(),
  encoding: oneOf('hex', 'base64', 'base64url'), timestampHeader: nonEmpty, idHeader: nonEmpty, typeHeader: nonEmpty,
  signedPayload: satisfies<string>('a text with "{body}" once, and only the placeholders {body}, {timestamp} and {id}',
    (v) => typeof v === 'string' && v.split('{body}').length === 2 && !/\{(?!body\}|timestamp\}|id\})/.test(v)),
};
const HMAC_ONLY = ['signatureHeader', 'signaturePrefix', 'encoding', 'timestampHeader', 'idHeader', 'typeHeader', 'signedPayload'] as const;
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data);
const standardKey = (secret: string) => Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');

/**
 * Signs a webhook delivery the way its provider does (node:crypto; cross-checked against
 * `stripe`, `@octokit/webhooks-methods`, `standardwebhooks` and the published Slack and GitHub
 * vectors), so that an app mounting `webhookVerify()` or a `WebhookRouter` can be tested. Options
 * are checked now: an unknown one, or one that does not apply to the scheme (Stripe's event id is
 * the body's `id`, not `id`), is a `TypeError` `ERR_TESTING_UNKNOWN_OPTION` / `…_INVALID_OPTION`.
 *
 * ```ts
 * const { headers, body } = signWebhook({ scheme: 'stripe', secret, payload: { id: 'evt_1', type: 'invoice.paid' } });
 * await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200);
 * ```
 */
export function signWebhook(options: SignWebhookOptions): SignedWebhook {
  const o = checkOptions('testing', options, schema);
  const invalid = (key: string, why: string) => new OptionError('testing', 'ERR_TESTING_INVALID_OPTION', key, `signWebhook() option "${key}" ${why}`);
  const secrets = typeof o.secret === 'string' ? [o.secret] : o.secret;
  const hmacOnly = HMAC_ONLY.find((key) => o[key] !== undefined);
  if (o.scheme !== 'hmac-sha256' && hmacOnly) throw invalid(hmacOnly, `applies to scheme "hmac-sha256" only, not "${o.scheme}"`);
  if ((o.scheme === 'slack' || o.scheme === 'github') && secrets.length > 1) {
    throw invalid('secret', `must be one secret for "${o.scheme}", which sends one signature: to test rotation, sign with the old secret`);
  }
  const template = o.signedPayload ?? (o.timestampHeader ? '{timestamp}.{body}' : '{body}');
  const signs = { timestamp: o.scheme === 'hmac-sha256' ? o.timestampHeader !== undefined : o.scheme !== 'github',
    id: o.scheme === 'github' || o.scheme === 'standard-webhooks' || o.idHeader !== undefined,
    event: o.scheme === 'github' || o.typeHeader !== undefined };
  for (const key of ['timestamp', 'id', 'event'] as const) {
    if (o[key] !== undefined && !signs[key]) throw invalid(key, `has no effect for scheme "${o.scheme}"${o.scheme === 'hmac-sha256' ? ` without option "${key === 'event' ? 'typeHeader' : `${key}Header`}"` : ''}`);
  }
  for (const [placeholder, header] of [['{timestamp}', 'timestampHeader'], ['{id}', 'idHeader']] as const) {
    if (template.includes(placeholder) && o[header] === undefined) throw invalid('signedPayload', `uses ${placeholder}, which needs option "${header}"`);
  }
  const contentType = o.contentType ?? 'application/json';
  const body = typeof o.payload === 'string' ? o.payload : encode(o.payload, contentType);
  const ts = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { 'Content-Type': contentType };
  switch (o.scheme) {
    case 'stripe':
      headers['Stripe-Signature'] = [`t=${ts}`, ...secrets.map((s) => `v1=${hmac(s, `${ts}.${body}`).digest('hex')}`)].join(',');
      break;
    case 'slack':
      headers['X-Slack-Request-Timestamp'] = ts;
      headers['X-Slack-Signature'] = `v0=${hmac(secrets[0]!, `v0:${ts}:${body}`).digest('hex')}`;
      break;
    case 'github':
      headers['X-GitHub-Event'] = o.event ?? 'ping';
      headers['X-GitHub-Delivery'] = o.id ?? randomUUID();
      headers['X-Hub-Signature-256'] = `sha256=${hmac(secrets[0]!, body).digest('hex')}`;
      break;
    case 'standard-webhooks': {
      const id = o.id ?? `msg_${randomBytes(12).toString('hex')}`;
      headers['webhook-id'] = id;
      headers['webhook-timestamp'] = ts;
      headers['webhook-signature'] = secrets.map((s) => `v1,${hmac(standardKey(s), `${id}.${ts}.${body}`).digest('base64')}`).join(' ');
      break;
    }
    case 'hmac-sha256': {
      const id = o.id ?? randomUUID();
      const [before = '', after = ''] = template.split('{body}').map((part) => part.replaceAll('{timestamp}', ts).replaceAll('{id}', id));
      if (o.timestampHeader) headers[o.timestampHeader] = ts;
      if (o.idHeader) headers[o.idHeader] = id;
      if (o.typeHeader) headers[o.typeHeader] = o.event ?? 'delivery';
      headers[o.signatureHeader ?? 'x-signature'] = secrets
        .map((s) => `${o.signaturePrefix ?? ''}${hmac(s, before + body + after).digest(o.encoding ?? 'hex')}`).join(',');
      break;
    }
  }
  return { headers, body };
}

/** An object payload as JSON, or URL-encoded for a form (non-string values as JSON). */
function encode(payload: object, contentType: string): string {
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) return JSON.stringify(payload);
  return new URLSearchParams(Object.entries(payload).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
}
