import { OptionError } from '@agentway/options';
import type { WebhookEvent } from './webhook-event';

const PATTERN = /^(?:\*|[^\s*]+(?:\.\*)?)$/;

/**
 * Checks an event pattern: an exact name (`stripe.invoice.paid`), a prefix wildcard (`stripe.*`,
 * `github.issues.*`) or `*`. Throws a TypeError `ERR_WEBHOOKS_INVALID_EVENT_PATTERN`.
 */
export function checkEventPattern(pattern: unknown): string {
  if (typeof pattern !== 'string' || !PATTERN.test(pattern)) {
    throw new OptionError('webhooks', 'ERR_WEBHOOKS_INVALID_EVENT_PATTERN', 'eventType',
      `event pattern must be "*", "<source>.*", or an event name such as "stripe.invoice.paid" (a "*" only as the last segment), got ${JSON.stringify(pattern)}`);
  }
  return pattern;
}

/**
 * Whether a pattern selects an event: `*` selects all, `a.*` every name under `a.`, a name itself.
 * As in Octokit, a GitHub event name without its action (`github.issues`) also selects each of its
 * actions (`github.issues.opened`).
 */
export function patternMatches(pattern: string, event: Pick<WebhookEvent, 'name' | 'scheme'>): boolean {
  const name = event.name;
  if (pattern === '*' || pattern === name) return true;
  if (pattern.endsWith('.*')) return name.startsWith(pattern.slice(0, -1));
  return event.scheme === 'github'
    && name.length > pattern.length + 1
    && name.startsWith(pattern)
    && name.charCodeAt(pattern.length) === 46 /* . */
    && name.indexOf('.', pattern.length + 1) < 0;
}
