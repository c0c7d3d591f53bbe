import type { Response, NextFunction } from 'express';
import { readRawBody, type HostRequest } from './read-raw-body';
import { isSlackSslCheck } from './schemes/slack-scheme';
import type { SourceConfig } from './source-config';
import { verifyDelivery } from './webhook-verifier';
import type { WebhookEvent } from './webhook-event';
import { WebhooksError } from './webhooks-error';

/** A verified delivery, or the answer to a provider's handshake (Slack's URL verification and SSL check). */
export type Receipt =
  | { readonly event: WebhookEvent; readonly handshake?: undefined }
  | { readonly event?: undefined; readonly handshake: { readonly challenge: string } | null };

/** Reads the request's bytes and verifies them against the source; `keepBytes`: leave them in `req.rawBody`. */
export function receiveDelivery(source: SourceConfig, req: HostRequest, keepBytes: boolean): Promise<Receipt> {
  return readRawBody(req, source.limit, keepBytes).then((raw) => verifyReceived(source, req, raw));
}

function verifyReceived(source: SourceConfig, req: HostRequest, raw: Buffer): Receipt {
  if (source.scheme.name === 'slack' && isSlackSslCheck(raw, req.headers)) return { handshake: null };
  const event = verifyDelivery(source, raw, req.headers, Date.now());
  if (event.scheme === 'slack' && event.type === 'url_verification') {
    const challenge = (event.payload as { challenge?: unknown }).challenge;
    if (typeof challenge !== 'string') throw new WebhooksError('ERR_WEBHOOKS_MALFORMED_BODY', 400, 'a Slack url_verification must have a string "challenge"');
    return { handshake: { challenge } };
  }
  return { event };
}

/** Answers a handshake: `{ challenge }` for Slack's URL verification, an empty 200 for its SSL check. */
export function answerHandshake(res: Response, handshake: { readonly challenge: string } | null): void {
  if (handshake === null) res.status(200).end();
  else res.status(200).json({ challenge: handshake.challenge });
}

/**
 * Answers a refused delivery as `{ error: { code, message } }` with its status (and Slack's
 * `X-Slack-No-Retry: 1` on a 4xx, since a retry cannot succeed); configuration and internal errors
 * go to `next(err)`. Never echoes a secret or an expected signature: the messages hold neither.
 */
export function answerError(err: unknown, source: SourceConfig, res: Response, next: NextFunction): void {
  if (!(err instanceof WebhooksError) || !err.expose || res.headersSent) {
    next(err);
    return;
  }
  if (source.scheme.name === 'slack' && err.status < 500) res.setHeader('X-Slack-No-Retry', '1');
  if (err.status === 503) res.setHeader('Retry-After', '30');
  res.status(err.status).json({ error: { code: err.code, message: err.message } });
}
