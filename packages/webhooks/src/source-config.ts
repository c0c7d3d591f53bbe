import bytes from 'bytes';
import { anyOf, arrayOf, number, oneOf, OptionError, satisfies, string, type Checked } from '@agentway/options';
import { SCHEME_NAMES, type Scheme, type SchemeName } from './scheme';
import { githubScheme } from './schemes/github-scheme';
import { hmacSha256Scheme } from './schemes/hmac-sha256-scheme';
import { slackScheme } from './schemes/slack-scheme';
import { decodeStandardSecret, standardWebhooksScheme } from './schemes/standard-webhooks-scheme';
import { stripeScheme } from './schemes/stripe-scheme';
import type { SignatureEncoding } from './signature-match';

/** How one webhook source is verified: the options `webhookVerify()` and each `WebhookRouter` source share. */
export interface WebhookSourceOptions {
  /** `stripe`, `slack`, `github`, `standard-webhooks` (Svix too) or `hmac-sha256`. */
  scheme: SchemeName;
  /** The signing secret (Stripe's `whsec_…` as written, Standard Webhooks' `whsec_<base64>`). */
  secret?: string;
  /** Several secrets at once (rotation): a delivery signed with any of them is accepted. */
  secrets?: readonly string[];
  /** The source's name: the prefix of its event names (`stripe.invoice.paid`). Default: the scheme. */
  name?: string;
  /** Seconds a signed timestamp may be off from now, either way. Default 300 (schemes that sign a time). */
  tolerance?: number;
  /** Largest body accepted, in bytes or as `'1mb'`. Default `'1mb'` (GitHub sends up to 25 MB). */
  limit?: number | string;
  /** How long a delivery id is remembered for de-duplication, in ms. Default 3 days. */
  dedupeTtl?: number;
  /** hmac-sha256: the header holding the signature. Default `x-signature`. */
  signatureHeader?: string;
  /** hmac-sha256: text before each signature in the header, e.g. `sha256=`. Default none. */
  signaturePrefix?: string;
  /** hmac-sha256: `hex` (default), `base64` or `base64url`. */
  encoding?: SignatureEncoding;
  /** hmac-sha256: a header with the signed Unix time (seconds); turns the timestamp window on. */
  timestampHeader?: string;
  /** hmac-sha256: a header with the delivery id (de-duplication). */
  idHeader?: string;
  /** hmac-sha256: a header with the event type (default: `body.type`, else `delivery`). */
  typeHeader?: string;
  /** hmac-sha256: the signed bytes, with `{body}` once and optionally `{timestamp}` and `{id}`. Default `{body}` (`{timestamp}.{body}` with a timestampHeader). */
  signedPayload?: string;
}

/** A source, checked and with its keys decoded: built once, at construction. */
export interface SourceConfig {
  readonly name: string;
  readonly scheme: Scheme;
  /** Seconds, or null when the scheme signs no time. */
  readonly tolerance: number | null;
  readonly limit: number;
  readonly dedupeTtl: number;
}

const SIZE = /^\d+(?:\.\d+)?\s*(?:b|kb|mb|gb)?$/i;
const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const header = () => satisfies<string>('an HTTP header name', (v) => typeof v === 'string' && HEADER.test(v));
const nonEmpty = string({ nonEmpty: true });

/** The checks of `WebhookSourceOptions` (cross-field rules are in `resolveSource`). */
export const sourceSchema = {
  scheme: oneOf(...SCHEME_NAMES),
  secret: nonEmpty,
  secrets: arrayOf(nonEmpty, { nonEmpty: true }),
  name: satisfies<string>('a name of letters, digits, "_" and "-" (at most 64)', (v) => typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(v)),
  tolerance: number({ min: 1, max: 86_400 }),
  limit: anyOf<[number, string]>('a number of bytes or a size such as "1mb"', number({ min: 1, integer: true }),
    satisfies<string>('a size', (v) => typeof v === 'string' && SIZE.test(v) && (bytes.parse(v) ?? 0) >= 1)),
  dedupeTtl: number({ min: 1000 }),
  signatureHeader: header(),
  signaturePrefix: string(),
  encoding: oneOf('hex', 'base64', 'base64url'),
  timestampHeader: header(),
  idHeader: header(),
  typeHeader: header(),
  signedPayload: string({ nonEmpty: true }),
};

const HMAC_ONLY = ['signatureHeader', 'signaturePrefix', 'encoding', 'timestampHeader', 'idHeader', 'typeHeader', 'signedPayload'] as const;
const DEFAULT_DEDUPE_TTL = 3 * 24 * 3600_000;

/** Turns checked source options into a `SourceConfig`; `path` names the options in errors (`sources[0]`). */
export function resolveSource(options: Checked<typeof sourceSchema>, path: string): SourceConfig {
  const at = (key: string) => (path ? `${path}.${key}` : key);
  const fail = (key: string, message: string): never => {
    throw new OptionError('webhooks', 'ERR_WEBHOOKS_INVALID_OPTION', at(key), message);
  };
  const scheme = options.scheme;
  if (scheme === undefined) throw new OptionError('webhooks', 'ERR_WEBHOOKS_MISSING_OPTION', at('scheme'), `option "${at('scheme')}" is required`);
  if (options.secret !== undefined && options.secrets !== undefined) fail('secrets', `give option "${at('secret')}" or "${at('secrets')}", not both`);
  const secrets = options.secrets ?? (options.secret === undefined ? undefined : [options.secret]);
  if (secrets === undefined) throw new OptionError('webhooks', 'ERR_WEBHOOKS_MISSING_OPTION', at('secret'), `option "${at('secret')}" (or "${at('secrets')}") is required`);
  if (scheme !== 'hmac-sha256') {
    for (const key of HMAC_ONLY) if (options[key] !== undefined) fail(key, `option "${at(key)}" only applies to scheme "hmac-sha256"`);
  }
  const keys = secrets.map((secret, i) => {
    if (scheme !== 'standard-webhooks') return Buffer.from(secret, 'utf8');
    return decodeStandardSecret(secret) ?? fail(options.secrets ? `secrets[${i}]` : 'secret', `option "${at(options.secrets ? `secrets[${i}]` : 'secret')}" must be a Standard Webhooks secret: "whsec_" and base64`);
  });
  const signsTime = scheme !== 'github' && (scheme !== 'hmac-sha256' || options.timestampHeader !== undefined);
  if (!signsTime && options.tolerance !== undefined) fail('tolerance', `option "${at('tolerance')}" has no effect: this scheme signs no timestamp`);
  return Object.freeze({
    name: options.name ?? scheme,
    scheme: buildScheme(scheme, keys, options, at, fail),
    tolerance: signsTime ? options.tolerance ?? 300 : null,
    limit: options.limit === undefined ? 1024 * 1024 : typeof options.limit === 'number' ? options.limit : bytes.parse(options.limit)!,
    dedupeTtl: options.dedupeTtl ?? DEFAULT_DEDUPE_TTL,
  });
}

function buildScheme(name: SchemeName, keys: Buffer[], options: Checked<typeof sourceSchema>,
  at: (key: string) => string, fail: (key: string, message: string) => never): Scheme {
  switch (name) {
    case 'stripe': return stripeScheme(keys);
    case 'slack': return slackScheme(keys);
    case 'github': return githubScheme(keys);
    case 'standard-webhooks': return standardWebhooksScheme(keys);
    case 'hmac-sha256': {
      const template = options.signedPayload ?? (options.timestampHeader ? '{timestamp}.{body}' : '{body}');
      const parts = template.split('{body}');
      const option = at('signedPayload');
      if (parts.length !== 2) fail('signedPayload', `option "${option}" must contain "{body}" exactly once`);
      for (const [placeholder, needs] of [['{timestamp}', 'timestampHeader'], ['{id}', 'idHeader']] as const) {
        if (template.includes(placeholder) && options[needs] === undefined) fail('signedPayload', `option "${option}" uses ${placeholder}, which needs option "${at(needs)}"`);
      }
      if (/\{(?!body\}|timestamp\}|id\})/.test(template)) fail('signedPayload', `option "${option}" knows only the placeholders {body}, {timestamp} and {id}`);
      const lower = (v: string | undefined) => v?.toLowerCase();
      return hmacSha256Scheme(keys, {
        signatureHeader: lower(options.signatureHeader) ?? 'x-signature',
        signaturePrefix: options.signaturePrefix ?? '',
        encoding: options.encoding ?? 'hex',
        timestampHeader: lower(options.timestampHeader),
        idHeader: lower(options.idHeader),
        typeHeader: lower(options.typeHeader),
        before: parts[0]!,
        after: parts[1]!,
      });
    }
  }
}
