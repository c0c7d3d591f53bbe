import { randomUUID } from 'node:crypto';
import type { Broker, BrokerRecord } from '@agentway/broker';
import type { PrincipalLike, RunInput } from './agent';
import { AgentsError } from './agents-error';
import type { AgentSet } from './define-agent';
import { DISCARDED_RUN_TTL, executeRun, type LocalRunLink, type RunRequest } from './execute-run';
import { readError, readRun, subscribeRun, type ReadRunOptions } from './read-run';
import { RunAbort } from './run-abort';
import { RunControl } from './run-control';
import { RunDeadlines } from './run-deadlines';
import { isTerminal, type FinishReason, type JsonValue, type RunErrorInfo, type RunEvent, type RunEventRecord, type Usage } from './run-event';
import { checkRunInput } from './run-input';
import { resolveRuntimeOptions, type RuntimeOptions } from './runtime-options';
import { isValidRunId, requestTopic, runTopic } from './topics';

export interface StartRunOptions {
  /** The agent's name; default: the runtime's default (first) agent. */
  agent?: string;
  input: RunInput;
  /** Default: a fresh `run_<uuid>`. Must not name a run that exists. */
  runId?: string;
  /** Default: a fresh `thread_<uuid>`. */
  threadId?: string;
  principal?: PrincipalLike;
}

export interface RunHandle {
  readonly runId: string;
  readonly threadId: string;
  readonly agentName: string;
  readonly topic: string;
  /** Offset of the `run_started` event. */
  readonly offset: string;
}

export interface RunResult {
  readonly status: 'completed' | 'failed';
  readonly output: string;
  readonly finishReason?: FinishReason;
  readonly usage?: Usage;
  readonly error?: RunErrorInfo;
  readonly events: readonly RunEvent[];
}

export interface Runtime {
  readonly broker: Broker;
  readonly agents: AgentSet;
  readonly mode: 'local' | 'workers';
  /** Starts a run: publishes `run_started` on `runs.<runId>`, then executes it here or hands it to a worker. */
  start(options: StartRunOptions): Promise<RunHandle>;
  /** A run's events from its start (or after an offset), live until its terminal event; from any instance. */
  events(runId: string, options?: ReadRunOptions): AsyncGenerator<RunEventRecord>;
  /** Waits for the run to end and gathers its events. */
  result(runId: string, options?: Pick<ReadRunOptions, 'signal'>): Promise<RunResult>;
  /**
   * Drops a run's events once it has ended, rather than `finishedRunTtl` after: for a view whose
   * client was the run's only reader and has had its answer (an OpenAI completion). A run still
   * executing here is dropped when it ends; one executing elsewhere, or unknown, is left alone.
   */
  discard(runId: string): Promise<void>;
  /** Cancels a run wherever it executes: its agent's signal aborts and it ends with `run_error` `cancelled`. */
  cancel(runId: string, reason?: string): Promise<void>;
  /** Aborts the runs executing here (`worker_shutdown`) and stops listening; the broker stays open. */
  close(): Promise<void>;
}

/** The run lifecycle on top of a broker (DESIGN.md §3). */
export function createRuntime(options: Readonly<RuntimeOptions>): Runtime {
  const config = resolveRuntimeOptions(options);
  const { broker, agents } = config;
  const control = new RunControl(broker);
  const executing = new Set<Promise<unknown>>();
  const locals = new Map<string, LocalRun>();
  const deadlines = new RunDeadlines(config.runTimeout);
  let closed = false;

  async function start(startOptions: StartRunOptions): Promise<RunHandle> {
    if (closed) throw new AgentsError('ERR_AGENTS_CLOSED', 'the runtime is closed');
    const agentName = startOptions.agent ?? agents.defaultAgent.name;
    const agent = agents.get(agentName);
    if (!agent) {
      throw new AgentsError('ERR_AGENTS_UNKNOWN_AGENT', `no agent "${agentName}"; the agents are: ${agents.names.join(', ')}`);
    }
    const input = checkRunInput(startOptions.input);
    // One uuid names both when neither is given: a run's default thread is its own.
    const uuid = startOptions.runId === undefined || startOptions.threadId === undefined ? randomUUID() : '';
    const runId = startOptions.runId ?? `run_${uuid}`;
    const threadId = startOptions.threadId ?? `thread_${uuid}`;
    if ((startOptions.runId !== undefined && !isValidRunId(runId)) || (startOptions.threadId !== undefined && !isValidRunId(threadId))) {
      throw new AgentsError('ERR_AGENTS_INVALID_INPUT', 'run and thread ids are 1–128 letters, digits, ".", "_", ":" or "-"');
    }
    const topic = runTopic(runId);
    if (startOptions.runId !== undefined && (await broker.describe(topic)) !== undefined) {
      throw new AgentsError('ERR_AGENTS_RUN_EXISTS', `a run "${runId}" exists already`);
    }
    await broker.setRetention(topic, config.runRetention);
    const request: RunRequest = {
      run_id: runId, thread_id: threadId, agent_name: agentName, input,
      ...(startOptions.principal && { principal: startOptions.principal }),
    };
    const started: RunEvent = {
      type: 'run_started', run_id: runId, agent_name: agentName, thread_id: threadId, input: input as unknown as JsonValue,
      ...(startOptions.principal && { principal_id: startOptions.principal.id }),
    };
    const record = await broker.publish(topic, { value: started });
    if (config.mode === 'workers') {
      await broker.publish(requestTopic(agentName), { key: runId, value: request });
    } else {
      const ready = control.ready();
      if (ready) await ready;
      const stopper = control.track(runId);
      const link: LocalRunLink = { wantRecords: false, discarded: false, expired: false };
      const executed = executeRun(agent, request, {
        broker, runTimeout: config.runTimeout, finishedRunTtl: config.finishedRunTtl, stopper, local: link, deadlines, logger: config.logger,
      });
      locals.set(runId, { started: record as BrokerRecord<RunEvent>, executed, link });
      const ended = () => {
        control.untrack(runId);
        locals.delete(runId);
        executing.delete(execution);
      };
      const execution: Promise<void> = executed.then(ended, ended);
      executing.add(execution);
    }
    return Object.freeze({ runId, threadId, agentName, topic, offset: record.offset });
  }

  async function result(runId: string, readOptions: Pick<ReadRunOptions, 'signal'> = {}): Promise<RunResult> {
    // A run executing here: its events are the records it published, no need to read them back.
    const local = readOptions.signal ? undefined : locals.get(runId);
    if (local) {
      local.link.wantRecords = true;
      let ok = true;
      try {
        await local.executed;
      } catch {
        ok = false; // read back from the broker below
      }
      const records = ok ? local.link.records : undefined;
      const published = records instanceof Promise ? await records.catch(() => undefined) : records;
      const gathered = published && gather(eventsOf(local.started, published));
      if (gathered) return gathered;
    }
    const events: RunEvent[] = [];
    const subscription = await subscribeRun(broker, runId, readOptions);
    try {
      for (let record = await subscription.next(); record; record = await subscription.next()) {
        events.push(record.value);
        if (isTerminal(record.value)) return gather(events)!;
      }
    } catch (err) {
      throw readError(err, runId, readOptions);
    } finally {
      await subscription.close();
    }
    throw new AgentsError('ERR_AGENTS_CLOSED', `stopped reading run "${runId}" before it ended`);
  }

  function discard(runId: string): Promise<void> {
    const local = locals.get(runId);
    if (!local) return discardEnded(runId);
    if (!local.link.expired) {
      local.link.discarded = true; // it goes when it ends
      return DONE;
    }
    try {
      return broker.expire(runTopic(runId), DISCARDED_RUN_TTL);
    } catch (err) {
      return Promise.reject(err); // a broker that throws rather than rejects
    }
  }

  /** A run not executing here: dropped if it has ended, else left to whoever executes it. */
  async function discardEnded(runId: string): Promise<void> {
    const topic = runTopic(runId);
    const last = (await broker.describe<RunEvent>(topic))?.last;
    if (last && isTerminal(last.value)) await broker.expire(topic, DISCARDED_RUN_TTL);
  }

  async function cancel(runId: string, reason = 'the run was cancelled'): Promise<void> {
    const topic = runTopic(runId);
    const info = await broker.describe<RunEvent>(topic);
    if (!info) throw new AgentsError('ERR_AGENTS_RUN_NOT_FOUND', `no run "${runId}" (it never started, or it finished and expired)`);
    if (info.last && isTerminal(info.last.value)) return;
    if (control.isLocal(runId)) return control.cancel(runId, reason);
    // Elsewhere: tell whoever executes it, and end it ourselves if nobody does (it may still be queued).
    const watch = broker.subscribe<RunEvent>(topic, { from: { after: info.last!.offset } });
    try {
      await watch.ready;
      await control.cancel(runId, reason);
      if (!(await endsWithin(watch, config.cancelGrace))) {
        await broker.publish(topic, { value: { type: 'run_error', run_id: runId, error: { code: 'cancelled', message: reason } } });
        await broker.expire(topic, config.finishedRunTtl);
      }
    } finally {
      await watch.close();
    }
  }

  return {
    broker,
    agents,
    mode: config.mode,
    start,
    events: (runId, readOptions) => readRun(broker, runId, readOptions),
    result,
    discard,
    cancel,
    async close() {
      if (closed) return;
      closed = true;
      control.abortAll(new RunAbort('worker_shutdown', 'the runtime is shutting down'));
      await Promise.allSettled(executing);
      deadlines.clear();
      await control.close();
    },
  };
}

const DONE: Promise<void> = Promise.resolve();

/** The events of the `run_started` record and the records published after it. */
function eventsOf(started: BrokerRecord<RunEvent>, published: readonly BrokerRecord[]): RunEvent[] {
  const events = new Array<RunEvent>(published.length + 1);
  events[0] = started.value;
  for (let i = 0; i < published.length; i++) events[i + 1] = published[i]!.value as RunEvent;
  return events;
}

/** The result of a run's events, up to its terminal event (`undefined` without one). */
function gather(events: RunEvent[]): RunResult | undefined {
  const end = events.findIndex(isTerminal);
  if (end === -1) return undefined;
  if (end < events.length - 1) events = events.slice(0, end + 1);
  const last = events[end]!;
  if (last.type === 'run_completed') {
    return { status: 'completed', output: last.output, finishReason: last.finish_reason, usage: last.usage, events };
  }
  const output = events.map((e) => (e.type === 'text_delta' ? e.delta : '')).join('');
  return { status: 'failed', output, error: (last as Extract<RunEvent, { type: 'run_error' }>).error, events };
}

/** A run executing in this process, as `result()` reads it without the broker. */
interface LocalRun {
  readonly started: BrokerRecord<RunEvent>;
  readonly executed: Promise<unknown>;
  readonly link: LocalRunLink;
}

async function endsWithin(watch: AsyncIterable<{ value: RunEvent }> & { next(): Promise<{ value: RunEvent } | undefined> }, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now())); });
    const record = await Promise.race([watch.next(), timeout]).finally(() => clearTimeout(timer));
    if (record === 'timeout' || record === undefined) return false;
    if (isTerminal(record.value)) return true;
  }
}
