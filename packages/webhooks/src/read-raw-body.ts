import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import getRawBody from 'raw-body';
import { WebhooksError } from './webhooks-error';

/** A request as the host app may have left it: parsed by body-parser, with or without the bytes. */
export type HostRequest = IncomingMessage & { body?: unknown; rawBody?: unknown; _body?: boolean };

/** The 413 of a body over the limit. */
export function tooLarge(limit: number): WebhooksError {
  return new WebhooksError('ERR_WEBHOOKS_BODY_TOO_LARGE', 413, `the body is larger than the limit of ${limit} bytes`);
}

const ALREADY_PARSED = 'the request body was read before the webhook route (an app-wide express.json(), say), so its exact bytes are gone '
  + 'and no signature can be checked. Mount the webhook route before any body parser (app.use(\'/webhooks\', …) first), '
  + 'or keep the bytes: express.json({ verify: (req, res, buf) => { req.rawBody = buf; } })';

/**
 * The exact bytes of the request body. Uses the bytes the host app kept (`req.rawBody`, or the
 * Buffer `express.raw()` left in `req.body`); otherwise reads the stream itself (raw-body, with the
 * limit applied to the inflated size of gzip, deflate and br bodies) and, unless `keepBytes` is
 * false, leaves them in `req.rawBody`. A body already parsed without its bytes is a configuration
 * error (500), never a misleading 401.
 */
export function readRawBody(req: HostRequest, limit: number, keepBytes = true): Promise<Buffer> {
  const kept = Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.isBuffer(req.body) ? req.body : undefined;
  if (kept !== undefined) {
    if (kept.length > limit) return Promise.reject(tooLarge(limit));
    req.rawBody = kept;
    return Promise.resolve(kept);
  }
  if (req._body === true || req.readableEnded || req.readableFlowing !== null) {
    return Promise.reject(new WebhooksError('ERR_WEBHOOKS_BODY_ALREADY_PARSED', 500, ALREADY_PARSED));
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') {
    // The common case: one promise, straight from raw-body.
    const read = getRawBody(req, { limit, length: req.headers['content-length'] });
    return read.then(keepBytes ? (raw) => keep(req, raw) : undefined, (err: unknown) => refused(req, err, limit, undefined));
  }
  return readInflated(req, limit, encoding).then((raw) => (keepBytes ? keep(req, raw) : raw));
}

/** Leaves the bytes on the request for what comes next (and tells a later body-parser 1.x the body is read). */
function keep(req: HostRequest, raw: Buffer): Buffer {
  req.rawBody = raw;
  req._body = true;
  return raw;
}

async function refused(req: HostRequest, err: unknown, limit: number, stream: Transform | undefined): Promise<never> {
  if (stream !== undefined) {
    req.unpipe(stream);
    stream.destroy();
  }
  await drain(req);
  throw readError(err, limit, stream !== undefined);
}

/** A gzip, deflate or br body: inflated as it arrives, the limit applying to the inflated bytes. */
async function readInflated(req: HostRequest, limit: number, encoding: string): Promise<Buffer> {
  const stream = inflater(encoding);
  const abort = () => { if (!req.complete) stream.destroy(Object.assign(new Error('request aborted'), { type: 'request.aborted' })); };
  req.once('close', abort);
  req.pipe(stream);
  let raw: Buffer;
  try {
    raw = await getRawBody(stream, { limit });
  } catch (err) {
    return refused(req, err, limit, stream);
  } finally {
    req.off('close', abort);
  }
  return raw;
}

function inflater(encoding: string): Transform {
  switch (encoding) {
    case 'gzip': case 'x-gzip': return createGunzip();
    case 'deflate': return createInflate();
    case 'br': return createBrotliDecompress();
    default:
      throw new WebhooksError('ERR_WEBHOOKS_UNSUPPORTED_ENCODING', 415, `content encoding ${JSON.stringify(encoding)} is not supported (gzip, deflate, br or identity)`);
  }
}

function readError(err: unknown, limit: number, inflating: boolean): unknown {
  const type = (err as { type?: unknown }).type;
  if (type === 'entity.too.large') return tooLarge(limit);
  if (type === 'request.aborted') return new WebhooksError('ERR_WEBHOOKS_REQUEST_ABORTED', 400, 'the client aborted the request', { cause: err });
  if (type === 'request.size.invalid') return new WebhooksError('ERR_WEBHOOKS_MALFORMED_BODY', 400, 'the body does not match its Content-Length', { cause: err });
  if (inflating && type === undefined) {
    // zlib's own errors (Z_DATA_ERROR, brotli's ERR__ERROR_FORMAT_…): the bytes are not what the encoding says.
    return new WebhooksError('ERR_WEBHOOKS_MALFORMED_BODY', 400, 'the body does not inflate with its Content-Encoding', { cause: err });
  }
  return err;
}

/** Reads off the rest of a refused body, so the answer reaches a client that is still sending. */
function drain(req: IncomingMessage): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    req.once('end', resolve);
    req.once('close', resolve);
    req.resume();
  });
}
