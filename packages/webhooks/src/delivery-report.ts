import { channels, type Logger, type WebhookDeliveryMessage } from '@agentway/observability';
import type { SourceConfig } from './source-config';
import { WebhooksError } from './webhooks-error';

/** What a delivery came to, when it was answered without an error. */
export type DeliveryOutcome = 'accepted' | 'duplicate' | 'handshake';

/** Publishes a delivery answered on `agentway:webhook:delivery` (only while someone subscribes). */
export function reportDelivery(source: SourceConfig, result: WebhookDeliveryMessage['result'], status: number): void {
  if (channels.webhookDelivery.hasSubscribers) {
    channels.webhookDelivery.publish({ source: source.name, scheme: source.scheme.name, result, status });
  }
}

/**
 * A delivery refused or failed: published (`rejected` for a 4xx, `failed` otherwise) and logged —
 * a refusal as a warning (a bad signature may be an attack, or a wrong secret), a failure as an
 * error unless it is a publish failure, which `onError` reports already.
 */
export function reportRefusal(source: SourceConfig, err: unknown, logger: Logger): void {
  const known = err instanceof WebhooksError ? err : undefined;
  const status = known?.status ?? 500;
  reportDelivery(source, status < 500 ? 'rejected' : 'failed', status);
  const fields = { source: source.name, code: known?.code, status };
  if (status < 500) logger.warn(fields, `delivery refused: ${known!.message}`);
  else if (known?.code !== 'ERR_WEBHOOKS_PUBLISH_FAILED') logger.error({ ...fields, err }, 'delivery failed');
}
