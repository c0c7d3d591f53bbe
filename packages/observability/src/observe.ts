import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  CHANNEL_NAMES, type BrokerLagMessage, type RunEndMessage, type RunStartMessage, type SocketCloseMessage, type SocketOpenMessage,
  type StreamCloseMessage, type StreamOpenMessage, type WebhookDeliveryMessage,
} from './channels';

/** A listener per channel; those left out are not subscribed. */
export interface Observers {
  runStart?(message: RunStartMessage): void;
  runEnd?(message: RunEndMessage): void;
  streamOpen?(message: StreamOpenMessage): void;
  streamClose?(message: StreamCloseMessage): void;
  socketOpen?(message: SocketOpenMessage): void;
  socketClose?(message: SocketCloseMessage): void;
  webhookDelivery?(message: WebhookDeliveryMessage): void;
  brokerLag?(message: BrokerLagMessage): void;
}

/**
 * Subscribes `observers` to agentway's channels (process-wide: every agentway package in this
 * process reports to them); returns the function that unsubscribes them.
 *
 * ```ts
 * const stop = observe({ runEnd: ({ agent, outcome }) => runs.inc({ agent, outcome }) });
 * ```
 */
export function observe(observers: Readonly<Observers>): () => void {
  const subscribed: [string, (message: unknown, name: string | symbol) => void][] = [];
  for (const key of Object.keys(CHANNEL_NAMES) as (keyof typeof CHANNEL_NAMES)[]) {
    const listener = observers[key] as ((message: unknown) => void) | undefined;
    if (typeof listener !== 'function') continue;
    const onMessage = (message: unknown) => listener(message);
    subscribe(CHANNEL_NAMES[key], onMessage);
    subscribed.push([CHANNEL_NAMES[key], onMessage]);
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    for (const [name, onMessage] of subscribed) unsubscribe(name, onMessage);
  };
}
