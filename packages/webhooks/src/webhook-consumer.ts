import type { Broker, BrokerRecord, Subscription } from '@agentway/broker';
import {
  ATTEMPTS_HEADER, DONE_HEADER, ERROR_HEADER, FAILED_HEADER, HANDLED_HEADER, errorText, parseDone, recordHeaders, toEvent,
} from './delivery-record';
import type { HandlerRegistry } from './handler-registry';
import type { RetryPolicy } from './retry-policy';
import { channels } from '@agentway/observability';
import { handlerFailed, runHandlers } from './run-handlers';
import type { WebhookEvent } from './webhook-event';
import { WebhooksError } from './webhooks-error';

/** What a topic's consumer needs from its router. */
export interface ConsumerSettings {
  readonly broker: Broker;
  readonly topic: string;
  readonly group: string;
  readonly concurrency: number;
  readonly ackTimeout: number;
  readonly retry: RetryPolicy;
  readonly registry: HandlerRegistry;
  /** The dead-letter topic of an event (per source), or of this topic for a record that is no delivery. */
  deadLetterTopic(event: WebhookEvent | undefined): string;
  report(error: WebhooksError, event: WebhookEvent | undefined): void;
  /** Aborted when the router starts closing: no more records are taken, no more retries waited for. */
  readonly draining: AbortSignal;
  /** Aborted when the router stops the handlers (after its `shutdownTimeout`). */
  readonly signal: AbortSignal;
}

/** Resolves true after `ms`, or false at once when the signal aborts (global timers, so fake timers drive it). */
function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs the handlers of the deliveries on one topic, as a member of a consumer group (instances share
 * the work). A record is acked once its handlers succeeded or it went to the dead-letter topic; a
 * failed handler is retried after the policy's back-off (only the handlers that failed), the record
 * kept alive meanwhile. If the process stops first, the group hands the record out again.
 */
export class WebhookConsumer {
  private readonly subscription: Subscription;
  private readonly jobs = new Set<Promise<void>>();
  private readonly loop: Promise<void>;
  /** Records whose handlers are running or waiting to retry: kept alive by one timer for all. */
  private readonly held = new Set<BrokerRecord>();
  private readonly keepAlive: NodeJS.Timeout;
  private skipped = 0;

  constructor(private readonly settings: ConsumerSettings) {
    this.subscription = settings.broker.subscribe(settings.topic, { group: settings.group, ackTimeout: settings.ackTimeout, onTrimmed: 'skip' });
    this.keepAlive = setInterval(() => {
      for (const record of this.held) void this.subscription.extend(record).catch(() => undefined);
    }, Math.max(10, settings.ackTimeout / 3));
    this.keepAlive.unref();
    this.loop = this.run();
  }

  /** Resolves once no handler runs (call it once `draining` is aborted: nothing new starts). */
  async idle(): Promise<void> {
    while (this.jobs.size > 0) await Promise.allSettled(this.jobs);
  }

  /** Waits for the running handlers (the signal is aborted first), then leaves the group. */
  async close(): Promise<void> {
    await Promise.allSettled(this.jobs);
    clearInterval(this.keepAlive);
    await this.subscription.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { concurrency, draining } = this.settings;
    for (;;) {
      while (this.jobs.size >= concurrency) await Promise.race(this.jobs);
      let record: BrokerRecord | undefined;
      try {
        record = await this.subscription.next();
      } catch (err) {
        // The broker failed (a Redis connection lost, say): report it and read again shortly.
        this.settings.report(new WebhooksError('ERR_WEBHOOKS_CONSUMER_FAILED', 500, `reading "${this.settings.topic}" failed: ${errorText(err)}`, { cause: err }), undefined);
        if (await wait(1000, draining)) continue;
        return;
      }
      if (record === undefined || draining.aborted) return; // taken while closing: left unacked, for another instance
      if (this.subscription.skipped > this.skipped) {
        this.settings.report(new WebhooksError('ERR_WEBHOOKS_RECORDS_TRIMMED', 500,
          `${this.subscription.skipped - this.skipped} deliveries on "${this.settings.topic}" were trimmed by the broker's retention before they were handled`), undefined);
        this.skipped = this.subscription.skipped;
      }
      const job: Promise<void> = this.process(record)
        .catch((err) => this.settings.report(err instanceof WebhooksError ? err
          : new WebhooksError('ERR_WEBHOOKS_PUBLISH_FAILED', 500, `delivery record ${record.offset} on "${this.settings.topic}" was not settled: ${errorText(err)}`, { cause: err }), toEvent(record.value)))
        .finally(() => this.jobs.delete(job));
      this.jobs.add(job);
    }
  }

  private async process(record: BrokerRecord): Promise<void> {
    const { registry, retry, signal, draining } = this.settings;
    if (channels.brokerLag.hasSubscribers) channels.brokerLag.publish({ kind: 'webhook_deliveries', topic: this.settings.topic, lag: Date.now() - record.timestamp });
    const event = toEvent(record.value);
    if (event === undefined) {
      await this.deadLetter(record, undefined, 0, 'the record is not a webhook delivery', '');
      return;
    }
    if (record.headers[HANDLED_HEADER] === '1') return this.subscription.ack(record);
    const doneHeader = record.headers[DONE_HEADER];
    let pending = registry.match(event);
    if (doneHeader !== undefined) {
      const done = parseDone(doneHeader);
      pending = pending.filter((entry) => !done.has(entry.index));
    }
    let attempt = Number(record.headers[ATTEMPTS_HEADER] ?? 0) || 0;
    let lastError = record.headers[ERROR_HEADER] ?? '';
    this.held.add(record);
    try {
      while (pending.length > 0) {
        if (attempt >= retry.attempts) {
          await this.deadLetter(record, event, attempt, lastError, pending.map((e) => e.pattern).join(','));
          return;
        }
        if (attempt > 0 && !(await wait(retry.delayAfter(attempt), draining))) return; // closing: another instance retries it
        attempt++;
        const { failures } = await runHandlers(pending, event, attempt, signal);
        if (failures.length > 0 && signal.aborted) return;
        for (const failure of failures) this.settings.report(handlerFailed(failure, event, attempt, retry.attempts), event);
        pending = failures.map((f) => f.entry);
        if (failures.length > 0) lastError = errorText(failures[0]!.error);
      }
    } finally {
      this.held.delete(record);
    }
    await this.subscription.ack(record);
  }

  /** Publishes the record to the dead-letter topic with why, then acks it (a failed publish leaves it to be handed out again). */
  private async deadLetter(record: BrokerRecord, event: WebhookEvent | undefined, attempts: number, error: string, failed: string): Promise<void> {
    const topic = this.settings.deadLetterTopic(event);
    const state = { [ATTEMPTS_HEADER]: String(attempts), [ERROR_HEADER]: error, [FAILED_HEADER]: failed };
    const headers = event === undefined ? state : recordHeaders(event, state);
    await this.settings.broker.publish(topic, { key: record.key, value: record.value, headers });
    await this.subscription.ack(record);
    const message = event === undefined
      ? `record ${record.offset} on "${this.settings.topic}" is not a webhook delivery; moved to "${topic}"`
      : `delivery ${event.id ?? '(no id)'} (${event.name}) moved to "${topic}" after ${attempts} attempt(s): ${error}`;
    this.settings.report(new WebhooksError(event === undefined ? 'ERR_WEBHOOKS_INVALID_RECORD' : 'ERR_WEBHOOKS_DEAD_LETTERED', 500, message,
      { deliveryId: event?.id ?? null }), event);
  }
}
