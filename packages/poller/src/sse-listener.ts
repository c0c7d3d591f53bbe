import type { Broker, PublishMessage } from '@agentway/broker';
import type { SseMessage as StreamEvent } from '@agentway/sse';
import { backoffDelay, sleep, type Backoff } from './backoff';
import type { Lock } from './job';
import { lockKey } from './lock-key';
import { Listener, type ListenerDeps, type ListenerHandler, type Republish } from './listener';
import { PollerError } from './poller-error';
import { readSseStream, type SseStreamHandlers } from './read-sse-stream';

/** One Server-Sent Event as a listener's handler receives it. */
export interface SseMessage {
  /** The `event:` field, `message` when absent. */
  readonly event: string;
  readonly data: string;
  /** The `id:` field, if the event had one. */
  readonly id: string | undefined;
  readonly url: string;
}

/** Request headers: fixed, or computed at each (re)connection (a token that rotates). */
export type SseHeaders = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

export interface SseSettings {
  readonly headers: SseHeaders | undefined;
  readonly lastEventId: string | undefined;
  readonly backoff: Backoff;
  readonly maxEventSize: number;
  readonly lock: Lock | undefined;
  readonly dedupeTtl: number;
  readonly keyPrefix: string;
  /** Where to find the last event id republished, to resume after a restart. */
  readonly resume: Broker | undefined;
}

const RECENT_IDS = 1_024;

/**
 * An SSE stream read with fetch and readSse() of @agentway/sse. Unlike the bare EventSource client it
 * reconnects after any failure — a dropped stream, a refused connection, a 500 or a wrong
 * content type — with exponential back-off, sending `Last-Event-ID`; a 204 stops it (the SSE
 * spec's "stop reconnecting"). Events whose id was just seen are dropped, and with a lock, an
 * event id is handled by one instance only.
 */
export class SseListener extends Listener<SseMessage> {
  private retry: number | undefined;
  /** The last RECENT_IDS event ids: a set to look up, a ring to forget the oldest. */
  private readonly recent = new Set<string>();
  private readonly ring: Array<string | undefined> = new Array<string | undefined>(RECENT_IDS);
  private ringAt = 0;
  private loop: Promise<void> | undefined;
  private readonly streamHandlers: SseStreamHandlers = {
    onEvent: (event) => this.onEvent(event),
    onRetry: (ms) => { this.retry = ms; },
  };

  constructor(name: string, private readonly url: string, handler: ListenerHandler<SseMessage> | null,
    republish: Republish<SseMessage> | undefined, private readonly settings: SseSettings, deps: ListenerDeps) {
    super(name, 'sse', redact(url), handler, republish, deps);
    this.lastEventId = settings.lastEventId ?? null;
  }

  start(): void {
    if (this.loop) return;
    this.controller = new AbortController();
    this.loop = this.run(this.controller.signal);
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
    await this.drain();
    this.loop = undefined;
    this.stopped();
  }

  protected toRecord(m: SseMessage): PublishMessage {
    return { value: m.data, headers: { listener: this.name, 'sse-event': m.event, ...(m.id !== undefined && { 'sse-id': m.id }) } };
  }

  private async run(signal: AbortSignal): Promise<void> {
    await this.resumeId();
    let attempt = 0;
    while (!signal.aborted) {
      let opened = false;
      this.state = attempt === 0 ? 'connecting' : 'retrying';
      try {
        const res = await this.connect(signal);
        if (res.status === 204) {
          this.failure(new PollerError('ERR_POLLER_SSE_RESPONSE', `${this.target} answered 204: not reconnecting`), 'stopped');
          return this.closed();
        }
        const type = res.headers.get('content-type') ?? '';
        if (res.status !== 200 || !/^text\/event-stream\b/i.test(type)) {
          await res.body?.cancel().catch(() => undefined);
          throw new PollerError('ERR_POLLER_SSE_RESPONSE', `${this.target} answered ${res.status} ${type || 'without a content type'}`);
        }
        opened = true;
        attempt = 0;
        this.opened();
        await readSseStream(res.body!, signal, this.settings.maxEventSize, this.target, this.streamHandlers);
        if (!signal.aborted) this.deps.logger.info(`[@agentway/poller] listener "${this.name}": the stream ended; reconnecting`);
      } catch (error) {
        if (signal.aborted) break;
        this.failure(error, opened ? 'lost its stream' : 'could not connect');
      }
      if (signal.aborted) break;
      this.counts.reconnects++;
      this.state = 'retrying';
      await sleep(opened && this.retry !== undefined ? this.retry : backoffDelay(attempt++, this.settings.backoff), signal);
    }
  }

  /** Without a `lastEventId`, resume after the last record this listener republished (if the topic's last is one). */
  private async resumeId(): Promise<void> {
    const topic = this.republishTopic;
    if (this.lastEventId !== null || !this.settings.resume || topic === undefined) return;
    try {
      const last = (await this.settings.resume.describe(topic))?.last;
      if (last?.headers.listener === this.name && last.headers['sse-id']) this.lastEventId = last.headers['sse-id'];
    } catch (error) {
      this.failure(error, 'could not read where it stopped');
    }
  }

  private async connect(signal: AbortSignal): Promise<Response> {
    const given = this.settings.headers;
    const headers: Record<string, string> = { ...(typeof given === 'function' ? await given() : given) };
    headers.accept = 'text/event-stream';
    headers['cache-control'] = 'no-cache';
    if (this.lastEventId) headers['last-event-id'] = this.lastEventId;
    return fetch(this.url, { headers, signal });
  }

  /** One parsed event: de-duplicated by id, then delivered; returns a promise only when there is something to wait for. */
  private onEvent(event: StreamEvent): void | Promise<void> {
    this.counts.received++;
    const { id } = event;
    if (id !== undefined) this.lastEventId = id;
    const message: SseMessage = { event: event.event, data: event.data, id, url: this.url };
    if (!id) return this.take(message);
    if (this.recent.has(id)) {
      this.counts.duplicates++;
      return;
    }
    if (!this.settings.lock) return this.take(message, id);
    return this.firstHere(id).then((first) => {
      if (first) return this.take(message, id);
      this.counts.duplicates++;
      return undefined;
    });
  }

  private take(message: SseMessage, id?: string): void | Promise<void> {
    if (id !== undefined) {
      const old = this.ring[this.ringAt];
      if (old !== undefined) this.recent.delete(old);
      this.ring[this.ringAt] = id;
      this.ringAt = (this.ringAt + 1) % RECENT_IDS;
      this.recent.add(id);
    }
    const delivered = this.deliver(message, true);
    return typeof delivered === 'boolean' ? undefined : delivered.then(() => undefined);
  }

  /** With a lock: whether this instance is the first to see this event id (a failing lock lets it through). */
  private async firstHere(id: string): Promise<boolean> {
    const { lock, keyPrefix, dedupeTtl } = this.settings;
    if (!lock) return true;
    try {
      return (await lock.claim(lockKey(keyPrefix, this.name, id), dedupeTtl)) === true;
    } catch (error) {
      this.failure(error, 'could not ask the lock (handling the event anyway)');
      return true;
    }
  }
}

/** The URL without credentials or query, for status pages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}
