import { setTimeout as sleep } from 'node:timers/promises';
import type { Broker, BrokerRecord } from '@agentway/broker';
import { channels, type Logger } from '@agentway/observability';
import type { Agent, AgentOutput, AgentResult, PrincipalLike, RunContext, RunInput } from './agent';
import { OrderedPublisher } from './ordered-publisher';
import { RunAbort, abortInfo } from './run-abort';
import type { TerminalRunEvent } from './run-event';
import type { RunDeadlines } from './run-deadlines';
import { RunEventBuilder } from './run-event-builder';
import { ABORTED, type RunStopper } from './run-stopper';
import { runTopic } from './topics';

/** A run as handed to whoever executes it (this process, or a worker through the broker). */
export interface RunRequest {
  run_id: string;
  thread_id: string;
  agent_name: string;
  input: RunInput;
  principal?: PrincipalLike;
}

export interface ExecuteOptions {
  broker: Broker;
  /** Stops the run (its reason, a `RunAbort`, gives the code); the agent's `ctx.signal` is its signal. */
  stopper: RunStopper;
  /** ms; the run is stopped with code `timeout` after it. */
  runTimeout: number;
  /** ms a finished run's events stay readable. */
  finishedRunTtl: number;
  /** What the runtime shares with a run executing in its process (`result()` and `discard()` of it). */
  local?: LocalRunLink;
  /** The runtime's shared run timeouts (else this run sets a timer of its own). */
  deadlines?: RunDeadlines;
  /** Where a failed run is reported (default: nowhere). */
  logger?: Logger;
}

/** What the runtime and a run executing in its process share. */
export interface LocalRunLink {
  /** Set by `runtime.result()`: once the run ends, `records` holds what it published (up to 10 000 records). */
  wantRecords: boolean;
  records?: readonly BrokerRecord[] | Promise<BrokerRecord[]> | undefined;
  /** Set by `runtime.discard()`: the run's topic is dropped as soon as the run ends, not `finishedRunTtl` later. */
  discarded: boolean;
  /** Set when the ended run's topic was given its expiry (a `discard()` after that drops the topic itself). */
  expired: boolean;
}

/** The ttl (ms) that drops a discarded run's topic: the broker's shortest. */
export const DISCARDED_RUN_TTL = 1;

/** A run longer than this is read back from the broker by `result()` rather than kept in memory. */
const KEEP_RECORDS = 10_000;

/**
 * Runs an agent and publishes its events on `runs.<runId>` after the `run_started` the caller
 * published; always ends with exactly one terminal event, even if the agent ignores its signal
 * (the run ends at once, the agent's iterator is told to return) or throws.
 */
export async function executeRun(agent: Agent, request: RunRequest, options: ExecuteOptions): Promise<TerminalRunEvent> {
  const { broker, runTimeout, finishedRunTtl, stopper, local } = options;
  const topic = runTopic(request.run_id);
  const startedAt = channels.runStart.hasSubscribers || channels.runEnd.hasSubscribers ? Date.now() : -1;
  if (channels.runStart.hasSubscribers) channels.runStart.publish({ runId: request.run_id, agent: request.agent_name });
  let thrown: unknown;
  const publisher = new OrderedPublisher(broker, topic, 128, local ? KEEP_RECORDS : 0);
  const timer = options.deadlines ? undefined
    : setTimeout(() => stopper.stop(new RunAbort('timeout', `the run took longer than ${runTimeout} ms`)), runTimeout);
  const due = options.deadlines?.add(stopper);
  const builder = new RunEventBuilder(request.run_id);
  let terminal: TerminalRunEvent;
  try {
    let result: AgentResult | Promise<AgentResult> | typeof ABORTED = agent.run(request.input, new AgentRunContext(request, agent.name, stopper));
    // An agent stuck before it answers is left behind when the run is stopped.
    if (isPromise(result)) result = await Promise.race([result, stopper.aborted()]);
    if (typeof result === 'string') {
      const event = builder.accept(result);
      if (event) publisher.push(event);
    } else if (result !== ABORTED && result !== undefined && !stopper.isStopped) {
      // One race for the whole run (not one per piece): an agent stuck in a step is left behind.
      const pumping = new Pump(result, builder, publisher, stopper);
      const done = pumping.run();
      done.catch(() => undefined);
      if ((await Promise.race([done, stopper.aborted()])) === ABORTED) pumping.stop();
    }
    terminal = stopper.isStopped ? abortEvent(request.run_id, stopper.reason) : (builder.completed() as TerminalRunEvent);
  } catch (err) {
    thrown = err;
    terminal = stopper.isStopped ? abortEvent(request.run_id, stopper.reason) : errorEvent(request.run_id, err);
  } finally {
    if (timer) clearTimeout(timer);
    due?.();
  }
  terminal = await publishTerminal(publisher, terminal, broker, topic);
  if (local?.wantRecords) local.records = publisher.records();
  const ttl = local?.discarded ? DISCARDED_RUN_TTL : finishedRunTtl;
  if (local) local.expired = true;
  await broker.expire(topic, ttl).catch(() => undefined);
  if (terminal.type === 'run_error' && options.logger) reportFailure(options.logger, request, terminal.error, thrown);
  if (startedAt >= 0 && channels.runEnd.hasSubscribers) {
    channels.runEnd.publish(terminal.type === 'run_completed'
      ? { runId: request.run_id, agent: request.agent_name, outcome: 'completed', duration: Date.now() - startedAt }
      : { runId: request.run_id, agent: request.agent_name, outcome: 'failed', code: terminal.error.code, duration: Date.now() - startedAt });
  }
  return terminal;
}

/** The `ctx` an agent gets; its `signal` is made when the agent first reads it. */
class AgentRunContext implements RunContext {
  readonly runId: string;
  readonly threadId: string;
  readonly agentName: string;
  readonly principal: PrincipalLike | undefined;
  readonly #stopper: RunStopper;

  constructor(request: RunRequest, agentName: string, stopper: RunStopper) {
    this.runId = request.run_id;
    this.threadId = request.thread_id;
    this.agentName = agentName;
    this.principal = request.principal;
    this.#stopper = stopper;
  }

  get signal(): AbortSignal {
    return this.#stopper.signal;
  }
}

function isPromise(value: unknown): value is Promise<AgentResult> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** A run that ended in error: a cancellation or a shutdown is ordinary (debug, info); anything else is a warning. */
function reportFailure(logger: Logger, request: RunRequest, error: { code: string; message: string }, thrown: unknown): void {
  const fields = { runId: request.run_id, agent: request.agent_name, code: error.code, ...(thrown !== undefined && { err: thrown }) };
  if (error.code === 'cancelled') logger.debug(fields, `run cancelled: ${error.message}`);
  else if (error.code === 'worker_shutdown') logger.info(fields, `run ended by the shutdown: ${error.message}`);
  else logger.warn(fields, `run failed (${error.code}): ${error.message}`);
}

/** Reads what the agent yields and publishes it as run events, until it ends, fails, or the run is aborted. */
class Pump {
  private iterator: Iterator<AgentOutput> | AsyncIterator<AgentOutput> | undefined;
  private stopped = false;

  constructor(
    private readonly result: AgentResult,
    private readonly builder: RunEventBuilder,
    private readonly publisher: OrderedPublisher,
    private readonly stopper: RunStopper,
  ) {}

  async run(): Promise<void> {
    const { result, builder, publisher, stopper } = this;
    const iterable = result as AsyncIterable<AgentOutput> | Iterable<AgentOutput>;
    const iterator = Symbol.asyncIterator in iterable
      ? iterable[Symbol.asyncIterator]()
      : typeof (iterable as Iterable<AgentOutput>)[Symbol.iterator] === 'function'
        ? (iterable as Iterable<AgentOutput>)[Symbol.iterator]()
        : undefined;
    if (!iterator) throw new TypeError(`the agent returned ${typeof result}; expected a string or an (async) iterable`);
    this.iterator = iterator;
    for (;;) {
      const step = await iterator.next();
      // Aborted meanwhile: the run has ended (or is ending) without what comes after.
      if (stopper.isStopped || this.stopped) return this.stop();
      if (step.done) return;
      const event = builder.accept(step.value);
      const wait = event && publisher.push(event);
      if (wait) await wait;
      if (!publisher.ok) return this.stop();
    }
  }

  /** Tells the agent's iterator to return (once). */
  stop(): void {
    if (this.stopped && !this.iterator) return;
    this.stopped = true;
    const iterator = this.iterator;
    this.iterator = undefined;
    if (iterator) Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

/** Publishes the terminal event after what came before; returns the one that ended the run (`publish_failed` if those failed). */
async function publishTerminal(publisher: OrderedPublisher, terminal: TerminalRunEvent, broker: Broker, topic: string): Promise<TerminalRunEvent> {
  const wait = publisher.push(terminal);
  if (wait) await wait;
  try {
    await publisher.flush();
    return terminal;
  } catch (err) {
    // Something before the terminal event was not stored: say so, so that no reader waits forever.
    const failed: TerminalRunEvent = {
      type: 'run_error',
      run_id: terminal.run_id,
      error: { code: 'publish_failed', message: `the run's events could not all be published: ${(err as Error).message}` },
    };
    await publishWithRetries(broker, topic, failed);
    return failed;
  }
}

/**
 * Ms to wait before each try at publishing the `run_error` that says the events were not all
 * published: without it on the topic, the run's readers would wait for a terminal event forever,
 * so a broker that failed one publish (a Redis reconnecting) is given a few seconds more.
 */
const TERMINAL_RETRY_DELAYS = [0, 50, 250, 1_000, 2_500];

async function publishWithRetries(broker: Broker, topic: string, event: TerminalRunEvent): Promise<void> {
  for (const delay of TERMINAL_RETRY_DELAYS) {
    if (delay > 0) await sleep(delay);
    try {
      await broker.publish(topic, { value: event });
      return;
    } catch {
      // try again after the next delay
    }
  }
}

function abortEvent(runId: string, reason: unknown): TerminalRunEvent {
  return { type: 'run_error', run_id: runId, error: abortInfo(reason) };
}

function errorEvent(runId: string, err: unknown): TerminalRunEvent {
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'agent_error';
  const message = err instanceof Error ? err.message : String(err);
  return { type: 'run_error', run_id: runId, error: { code, message: message || 'the agent failed' } };
}
