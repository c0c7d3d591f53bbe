import type { Broker, PublishMessage } from '@agentway/broker';
import { describeError, type Logger } from './logger';
import { iso } from './job-status';

/** What a listener's handler receives besides the message. */
export interface ListenerContext {
  readonly name: string;
  /** Aborted when the manager stops. */
  readonly signal: AbortSignal;
}

/** A listener's handler: sync or async; messages are handled one at a time, in order. */
export type ListenerHandler<M> = (message: M, context: ListenerContext) => unknown;

/** Republish each message to a broker topic: the topic, or the topic and a mapping (`null` skips a message). */
export type Republish<M> = string | { topic: string; map?: (message: M) => PublishMessage | null | undefined };

/** One listener as `listeners.status()` and `GET /` of `listeners.router()` show it. */
export interface ListenerStatus {
  readonly name: string;
  readonly kind: 'sse' | 'redis' | 'topic';
  /** The URL without query or credentials, the channel or pattern, or the topic. */
  readonly target: string;
  readonly state: 'stopped' | 'connecting' | 'open' | 'retrying' | 'closed';
  readonly received: number;
  /** Handler calls that succeeded. */
  readonly handled: number;
  /** Handler calls and republishes that failed (each logged, with the last one in `lastError`). */
  readonly failed: number;
  /** Messages seen before (same SSE id), here or on another instance sharing the lock. */
  readonly duplicates: number;
  /** Redis messages dropped because the handler fell too far behind. */
  readonly dropped: number;
  /** Records the broker acknowledged. */
  readonly republished: number;
  readonly reconnects: number;
  /** SSE: the id sent as `Last-Event-ID` on reconnection; topic: the last offset. */
  readonly lastEventId: string | null;
  readonly lastEventAt: string | null;
  readonly lastError: { readonly code?: string; readonly message: string; readonly at: string } | null;
}

/** Republishes in flight per listener before delivery waits for half of them to settle. */
const WINDOW = 256;

/** What every listener gets from its manager. */
export interface ListenerDeps {
  readonly broker: Broker | undefined;
  readonly logger: Logger;
}

/**
 * The parts every kind of listener shares: its counters and state, and the delivery of one
 * message — republished first (if asked), then handed to the handler — with errors isolated.
 */
export abstract class Listener<M> {
  state: ListenerStatus['state'] = 'stopped';
  protected controller = new AbortController();
  protected readonly counts = { received: 0, handled: 0, failed: 0, duplicates: 0, dropped: 0, republished: 0, reconnects: 0 };
  protected lastEventId: string | null = null;
  private lastEventAt: number | undefined;
  private lastError: ListenerStatus['lastError'] = null;
  private readyResolve!: () => void;
  /** Republishes in flight, and who waits for room (or for none). */
  private inflight = 0;
  private waiters: Array<() => void> = [];
  /** What a handler gets besides the message (one object; its signal is the current run's). */
  private readonly context: ListenerContext = ((self: Listener<M>) => ({
    get name() { return self.name; },
    get signal() { return self.controller.signal; },
  }))(this);
  /** Resolves once the listener has connected (or subscribed) the first time, or stopped. */
  readonly ready = new Promise<void>((resolve) => { this.readyResolve = resolve; });

  constructor(readonly name: string, readonly kind: ListenerStatus['kind'], readonly target: string,
    private readonly handler: ListenerHandler<M> | null, private readonly republish: Republish<M> | undefined,
    protected readonly deps: ListenerDeps) {}

  abstract start(): void;
  /** Ends its connection or subscription; resolves once the message in hand is done. */
  abstract stop(): Promise<void>;
  /** The default record a message is republished as. */
  protected abstract toRecord(message: M): PublishMessage;

  /** The topic messages are republished to, if any. */
  protected get republishTopic(): string | undefined {
    const r = this.republish;
    return r === undefined ? undefined : typeof r === 'string' ? r : r.topic;
  }

  status(): ListenerStatus {
    return {
      name: this.name, kind: this.kind, target: this.target, state: this.state, ...this.counts,
      lastEventId: this.lastEventId, lastEventAt: iso(this.lastEventAt), lastError: this.lastError,
    };
  }

  protected opened(): void {
    this.state = 'open';
    this.readyResolve();
  }

  protected stopped(): void {
    this.state = 'stopped';
    this.readyResolve();
  }

  protected closed(): void {
    this.state = 'closed';
    this.readyResolve();
  }

  protected failure(error: unknown, what: string): void {
    const { code, message } = describeError(error);
    this.lastError = { ...(code !== undefined && { code }), message, at: new Date().toISOString() };
    this.deps.logger.warn({ err: error, listener: this.name }, `[@agentway/poller] listener "${this.name}" ${what}: ${message}`);
  }

  /**
   * Republishes (if asked) and handles one message; returns (or resolves) `true` when both went
   * well. A sync handler costs no promise. `pipelined`: the republish is not awaited, up to
   * WINDOW in flight (issued in order, on one broker); `drain()` waits for them.
   */
  protected deliver(message: M, pipelined = false): boolean | Promise<boolean> {
    this.lastEventAt = Date.now();
    const publishing = this.republish === undefined ? true : this.publish(message);
    const handled = this.handler === null ? true : this.handle(message);
    if (publishing === true) return handled;
    if (!pipelined) return Promise.all([publishing, handled]).then(([a, b]) => a && b);
    if (this.inflight < WINDOW) return handled;
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => handled);
  }

  /** Waits for the republishes still in flight. */
  protected async drain(): Promise<void> {
    while (this.inflight > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** One republish settled: wake the waiters once half the window is free (or all is done). */
  private settled(): void {
    this.inflight--;
    if (this.waiters.length > 0 && (this.inflight <= WINDOW / 2 || this.inflight === 0)) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }

  private handle(message: M): boolean | Promise<boolean> {
    const failed = (error: unknown) => {
      this.counts.failed++;
      this.failure(error, 'handler failed');
      return false;
    };
    try {
      const result = this.handler!(message, this.context);
      if (typeof (result as PromiseLike<unknown> | undefined)?.then !== 'function') {
        this.counts.handled++;
        return true;
      }
      return Promise.resolve(result).then(() => { this.counts.handled++; return true; }, failed);
    } catch (error) {
      return failed(error);
    }
  }

  /** Never rejects: resolves whether the broker took the record (a `null` from `map` counts as done). */
  private publish(message: M): true | Promise<boolean> {
    const failed = (error: unknown) => {
      this.counts.failed++;
      this.failure(error, 'could not republish a message');
      return false;
    };
    try {
      const map = typeof this.republish === 'object' ? this.republish.map : undefined;
      const record = map ? map(message) : this.toRecord(message);
      if (!record) return true;
      this.inflight++;
      return this.deps.broker!.publish(this.republishTopic!, record).then(() => {
        this.counts.republished++;
        this.settled();
        return true;
      }, (error: unknown) => {
        this.settled();
        return failed(error);
      });
    } catch (error) {
      return Promise.resolve(failed(error));
    }
  }
}
