import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { observe } from '@agentway/observability';

/** The gateway's Prometheus metrics: a registry fed by agentway's diagnostics channels, and how to stop feeding it. */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** Unsubscribes from the channels (the registry keeps its last values). */
  close(): void;
}

const RUN_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const STREAM_SECONDS = [0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 3600];
const LAG_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 30];

/**
 * Prometheus metrics of what agentway publishes on its `node:diagnostics_channel` channels (see
 * `@agentway/observability`), plus prom-client's default process metrics, in a registry of their
 * own. The channels are process-wide: everything agentway does in this process is counted.
 */
export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const runsStarted = new Counter({ name: 'agentway_runs_started_total', help: 'Runs started in this process, by agent.', labelNames: ['agent'], registers });
  const runsCompleted = new Counter({ name: 'agentway_runs_completed_total', help: 'Runs completed in this process, by agent.', labelNames: ['agent'], registers });
  const runsFailed = new Counter({ name: 'agentway_runs_failed_total', help: 'Runs that ended with run_error in this process, by agent and error code.', labelNames: ['agent', 'code'], registers });
  const runSeconds = new Histogram({ name: 'agentway_run_duration_seconds', help: 'How long runs took, by agent and outcome.', labelNames: ['agent', 'outcome'], buckets: RUN_SECONDS, registers });
  const openStreams = new Gauge({ name: 'agentway_open_streams', help: 'SSE streams open now, by protocol.', labelNames: ['protocol'], registers });
  const streamSeconds = new Histogram({ name: 'agentway_stream_duration_seconds', help: 'How long SSE streams stayed open, by protocol.', labelNames: ['protocol'], buckets: STREAM_SECONDS, registers });
  const openSockets = new Gauge({ name: 'agentway_open_websockets', help: 'WebSockets open now, by protocol and kind.', labelNames: ['protocol', 'kind'], registers });
  const socketSeconds = new Histogram({ name: 'agentway_websocket_duration_seconds', help: 'How long WebSockets stayed open, by protocol and kind.', labelNames: ['protocol', 'kind'], buckets: STREAM_SECONDS, registers });
  const deliveries = new Counter({ name: 'agentway_webhook_deliveries_total', help: 'Webhook deliveries answered, by source and result.', labelNames: ['source', 'result'], registers });
  const lag = new Histogram({ name: 'agentway_broker_lag_seconds', help: 'How long records waited on the broker before their reader took them, by kind.', labelNames: ['kind'], buckets: LAG_SECONDS, registers });
  // Streamed events and lags come per record: their label children are looked up once.
  const lagOf = memo((kind: string) => lag.labels(kind));
  const stop = observe({
    runStart: ({ agent }) => runsStarted.inc({ agent }),
    runEnd: ({ agent, outcome, code, duration }) => {
      if (outcome === 'completed') runsCompleted.inc({ agent });
      else runsFailed.inc({ agent, code: code ?? 'unknown' });
      runSeconds.observe({ agent, outcome }, duration / 1000);
    },
    streamOpen: ({ protocol }) => openStreams.inc({ protocol }),
    streamClose: ({ protocol, duration }) => {
      openStreams.dec({ protocol });
      streamSeconds.observe({ protocol }, duration / 1000);
    },
    socketOpen: ({ protocol, kind }) => openSockets.inc({ protocol, kind }),
    socketClose: ({ protocol, kind, duration }) => {
      openSockets.dec({ protocol, kind });
      socketSeconds.observe({ protocol, kind }, duration / 1000);
    },
    webhookDelivery: ({ source, result }) => deliveries.inc({ source, result }),
    brokerLag: ({ kind, lag: ms }) => lagOf(kind).observe(Math.max(0, ms) / 1000),
  });
  return { registry, close: stop };
}

function memo<T>(make: (key: string) => T): (key: string) => T {
  const made = new Map<string, T>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = make(key);
      made.set(key, value);
    }
    return value;
  };
}
