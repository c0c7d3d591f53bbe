import { WebhooksError } from './webhooks-error';

const UNIX_SECONDS = /^[0-9]{1,12}$/;

/** A signed Unix timestamp in seconds, or `undefined` when the text is not one. */
export function parseUnixSeconds(text: string | undefined): number | undefined {
  return text !== undefined && UNIX_SECONDS.test(text) ? Number(text) : undefined;
}

/**
 * The two-sided replay window: a signed time more than `tolerance` seconds before or after now is
 * refused (the Stripe and Slack SDKs only refuse old ones; a time far ahead is as suspect).
 */
export function checkTimestamp(timestamp: number, nowMs: number, tolerance: number): void {
  const now = Math.floor(nowMs / 1000);
  if (timestamp < now - tolerance) {
    throw new WebhooksError('ERR_WEBHOOKS_STALE_TIMESTAMP', 401, `the signed timestamp is more than ${tolerance} s old`);
  }
  if (timestamp > now + tolerance) {
    throw new WebhooksError('ERR_WEBHOOKS_FUTURE_TIMESTAMP', 401, `the signed timestamp is more than ${tolerance} s in the future`);
  }
}
