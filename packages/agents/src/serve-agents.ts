import type { Broker, BrokerRecord, Subscription } from '@agentway/broker';
import { channels, loggerOption, silentLogger, type Logger } from '@agentway/observability';
import { checkOptions, number, required, satisfies, string } from '@agentway/options';
import type { Agent } from './agent';
import { agentSet } from './define-agent';
import { executeRun, type RunRequest } from './execute-run';
import { RunAbort } from './run-abort';
import { RunControl } from './run-control';
import { isTerminal, type RunEvent } from './run-event';
import { brokerCheck } from './runtime-options';
import { requestTopic, runTopic, WORKER_GROUP } from './topics';

export interface ServeAgentsOptions {
  broker: Broker;
  agents: readonly Agent[];
  /** Runs of one agent executing at once in this worker. Default 8. */
  concurrency?: number;
  /** The consumer group shared by the workers. Default `agentway-workers`. */
  group?: string;
  /** A request not acked (nor kept alive) for this long goes to another worker. Default 30 000 ms. */
  ackTimeout?: number;
  runTimeout?: number;
  finishedRunTtl?: number;
  /** Where failed runs, lost runs and broker failures are reported (pino-compatible). Default: silent. */
  logger?: Logger;
}

export interface AgentWorker {
  /** Stops taking runs, aborts those executing (`worker_shutdown`) and waits for them to end. */
  close(): Promise<void>;
}

/**
 * Executes runs for a gateway whose runtime has `mode: 'workers'`, in this or another process:
 * takes run requests from the broker (a consumer group per agent, so workers share the load),
 * publishes the events, keeps each request alive while it runs and acks it when it ends.
 *
 * Delivery is at most once per run: if a worker dies mid-run, its request is handed to another
 * worker after `ackTimeout`, which ends the run with `run_error` `worker_lost` instead of running
 * the agent a second time (agents have side effects).
 */
export function serveAgents(options: Readonly<ServeAgentsOptions>): AgentWorker {
  const config = checkOptions('agents', options, {
    broker: required(brokerCheck),
    agents: required(satisfies<readonly Agent[]>('a non-empty array of agents', (v) => Array.isArray(v) && v.length > 0)),
    concurrency: number({ min: 1, integer: true }),
    group: string({ nonEmpty: true }),
    ackTimeout: number({ min: 10 }),
    runTimeout: number({ min: 1 }),
    finishedRunTtl: number({ min: 1 }),
    logger: loggerOption,
  });
  const broker = config.broker;
  const agents = agentSet(config.agents);
  const concurrency = config.concurrency ?? 8;
  const ackTimeout = config.ackTimeout ?? 30_000;
  const logger = config.logger ?? silentLogger;
  const runOptions = { broker, runTimeout: config.runTimeout ?? 600_000, finishedRunTtl: config.finishedRunTtl ?? 900_000, logger };
  const control = new RunControl(broker);
  const subscriptions: Subscription<RunRequest>[] = [];
  const loops: Promise<void>[] = [];
  const running = new Set<Promise<void>>();
  let stopping = false;

  async function handle(agent: Agent, subscription: Subscription<RunRequest>, record: BrokerRecord<RunRequest>) {
    const request = record.value;
    if (channels.brokerLag.hasSubscribers) {
      channels.brokerLag.publish({ kind: 'run_requests', topic: requestTopic(agent.name), lag: Date.now() - record.timestamp });
    }
    const info = await broker.describe<RunEvent>(runTopic(request.run_id));
    if (!info || (info.last && isTerminal(info.last.value))) return; // expired, or cancelled while queued
    if (record.redelivered) {
      const lost: RunEvent = { type: 'run_error', run_id: request.run_id, error: { code: 'worker_lost', message: 'the worker running this run stopped before it ended' } };
      logger.warn({ runId: request.run_id, agent: agent.name, code: 'worker_lost' }, 'a run handed out again after its worker stopped answering: ended with worker_lost');
      await broker.publish(runTopic(request.run_id), { value: lost });
      await broker.expire(runTopic(request.run_id), runOptions.finishedRunTtl);
      return;
    }
    const keepAlive = setInterval(() => void subscription.extend(record).catch(() => undefined), ackTimeout / 3);
    const ready = control.ready();
    if (ready) await ready;
    const stopper = control.track(request.run_id);
    try {
      await executeRun(agent, request, { ...runOptions, stopper });
    } finally {
      clearInterval(keepAlive);
      control.untrack(request.run_id);
    }
  }

  async function serve(agent: Agent): Promise<void> {
    const topic = requestTopic(agent.name);
    const subscription = broker.subscribe<RunRequest>(topic, { group: config.group ?? WORKER_GROUP, ackTimeout });
    subscriptions.push(subscription);
    const mine = new Set<Promise<void>>();
    for (;;) {
      if (mine.size >= concurrency) await Promise.race(mine);
      const record = await subscription.next();
      if (!record) break;
      if (stopping) {
        // Taken while shutting down: give it back as a fresh request for another worker.
        await broker.publish(topic, { key: record.key, value: record.value, headers: { ...record.headers } });
        await subscription.ack(record);
        logger.info({ runId: record.value?.run_id, agent: agent.name }, 'a run request taken while shutting down was given back');
        continue;
      }
      const job = handle(agent, subscription, record)
        .then(() => subscription.ack(record))
        .catch((err: unknown) => logger.error({ err, runId: record.value?.run_id, agent: agent.name }, 'a run request could not be served'))
        .finally(() => {
          mine.delete(job);
          running.delete(job);
        });
      mine.add(job);
      running.add(job);
    }
  }

  for (const agent of agents.list()) {
    loops.push(serve(agent).catch((err: unknown) => {
      if (!stopping) logger.error({ err, agent: agent.name }, 'the worker stopped taking runs of this agent: its broker subscription failed');
    }));
  }

  return {
    async close() {
      if (stopping) return;
      stopping = true;
      control.abortAll(new RunAbort('worker_shutdown', 'the worker is shutting down'));
      await Promise.allSettled(running);
      await Promise.all(subscriptions.map((s) => s.close()));
      await Promise.all(loops);
      await control.close();
    },
  };
}
