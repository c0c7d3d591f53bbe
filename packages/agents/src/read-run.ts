import { BrokerError, type Broker, type Subscription } from '@agentway/broker';
import { AgentsError } from './agents-error';
import type { RunEvent, RunEventRecord } from './run-event';
import { RunReader } from './run-reader';
import { runTopic } from './topics';

export interface ReadRunOptions {
  /** Resume right after this offset (an SSE `Last-Event-ID`); default: from the run's first event. */
  after?: string;
  /** Aborting it ends the iteration (the client left). */
  signal?: AbortSignal;
}

/**
 * A run's events from the broker, from its start or after an offset, live until its terminal
 * event. Throws `ERR_AGENTS_RUN_NOT_FOUND` when the run never existed or has expired.
 */
export function readRun(broker: Broker, runId: string, options: ReadRunOptions = {}): AsyncGenerator<RunEventRecord> {
  return new RunReader(broker, runId, options);
}

/** Subscribes to a run's topic (from its start, or after `options.after`); `ERR_AGENTS_RUN_NOT_FOUND` when there is none. */
export async function subscribeRun(broker: Broker, runId: string, options: ReadRunOptions = {}): Promise<Subscription<RunEvent>> {
  const topic = runTopic(runId);
  if ((await broker.describe(topic)) === undefined) {
    throw new AgentsError('ERR_AGENTS_RUN_NOT_FOUND', `no run "${runId}" (it never started, or it finished and expired)`);
  }
  return broker.subscribe<RunEvent>(topic, {
    from: options.after === undefined ? 'earliest' : { after: options.after },
    signal: options.signal,
  });
}

/** A read failure as the runtime reports it: a lost position is `ERR_AGENTS_RUN_NOT_FOUND`. */
export function readError(err: unknown, runId: string, options: ReadRunOptions): unknown {
  if (err instanceof BrokerError && (err.code === 'ERR_BROKER_INVALID_OFFSET' || err.code === 'ERR_BROKER_RECORDS_TRIMMED')) {
    return new AgentsError('ERR_AGENTS_RUN_NOT_FOUND', `cannot resume run "${runId}" after ${options.after}: ${err.message}`);
  }
  return err;
}
