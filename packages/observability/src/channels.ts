import { channel, type Channel } from 'node:diagnostics_channel';

/**
 * The `node:diagnostics_channel` channels agentway publishes on. A package publishes only while a
 * channel has subscribers, so they cost nothing otherwise. Subscribe with `observe()` or with
 * `diagnostics_channel.subscribe(name, fn)`.
 */
export const CHANNEL_NAMES = Object.freeze({
  runStart: 'agentway:run:start',
  runEnd: 'agentway:run:end',
  streamOpen: 'agentway:sse:open',
  streamClose: 'agentway:sse:close',
  socketOpen: 'agentway:ws:open',
  socketClose: 'agentway:ws:close',
  webhookDelivery: 'agentway:webhook:delivery',
  brokerLag: 'agentway:broker:lag',
});

/** A run starts executing in this process (a local runtime, or a `serveAgents()` worker). */
export interface RunStartMessage {
  readonly runId: string;
  readonly agent: string;
}

/** A run executed here ended: `completed`, or `failed` with its `run_error` code (`agent_error`, `timeout`, `cancelled`, …). */
export interface RunEndMessage {
  readonly runId: string;
  readonly agent: string;
  readonly outcome: 'completed' | 'failed';
  /** The `run_error` code, when it failed. */
  readonly code?: string;
  /** ms from its start. */
  readonly duration: number;
}

/** A Server-Sent Events response opened (`protocol`: `openai`, `agui`, `a2a`, or what the writer was given). */
export interface StreamOpenMessage {
  readonly protocol: string;
}

/** An SSE response closed: `ended` when the server ended it, false when the client left first. */
export interface StreamCloseMessage {
  readonly protocol: string;
  /** ms it was open. */
  readonly duration: number;
  readonly ended: boolean;
}

/** A WebSocket opened (`protocol`: `langstream`; `kind`: `produce`, `consume` or `chat`). */
export interface SocketOpenMessage {
  readonly protocol: string;
  readonly kind: string;
}

/** A WebSocket closed, with its close code. */
export interface SocketCloseMessage {
  readonly protocol: string;
  readonly kind: string;
  /** ms it was open. */
  readonly duration: number;
  readonly code: number;
}

/**
 * A webhook delivery answered: `accepted` (stored), `duplicate` (seen before), `handshake` (a
 * provider's URL check), `rejected` (4xx: bad signature, stale, malformed…), `failed` (5xx).
 */
export interface WebhookDeliveryMessage {
  readonly source: string;
  readonly scheme: string;
  readonly result: 'accepted' | 'duplicate' | 'handshake' | 'rejected' | 'failed';
  readonly status: number;
}

/**
 * How long a record waited on the broker before its reader took it: `run_events` (a view reading
 * a run), `run_requests` (a run waiting for a worker), `webhook_deliveries` (a delivery waiting for
 * its handlers).
 */
export interface BrokerLagMessage {
  readonly kind: 'run_events' | 'run_requests' | 'webhook_deliveries';
  readonly topic: string;
  /** ms between the record's timestamp and its reading. */
  readonly lag: number;
}

/** The channels, ready to publish on (`if (channels.runStart.hasSubscribers) channels.runStart.publish(message)`). */
export const channels: Readonly<Record<keyof typeof CHANNEL_NAMES, Channel>> = Object.freeze({
  runStart: channel(CHANNEL_NAMES.runStart),
  runEnd: channel(CHANNEL_NAMES.runEnd),
  streamOpen: channel(CHANNEL_NAMES.streamOpen),
  streamClose: channel(CHANNEL_NAMES.streamClose),
  socketOpen: channel(CHANNEL_NAMES.socketOpen),
  socketClose: channel(CHANNEL_NAMES.socketClose),
  webhookDelivery: channel(CHANNEL_NAMES.webhookDelivery),
  brokerLag: channel(CHANNEL_NAMES.brokerLag),
});
