import { MAX_TIMER_DELAY, type Clock } from './clock';
import { iso, type JobStatus, type SkipCounts } from './job-status';
import { describeError, type Logger } from './logger';
import { PollerError } from './poller-error';
import { lockKey } from './lock-key';
import { runOnce, type JobFn } from './run-once';
import type { Schedule } from './schedule';

/** A fire-once lock: `true` for the first caller of a key until `ttl` ms pass. A `Broker` is one. */
export interface Lock {
  claim(key: string, ttl: number): Promise<boolean> | boolean;
}

/** What a job needs from its manager. */
export interface JobHost {
  readonly clock: Clock;
  readonly lock: Lock | undefined;
  readonly lease: number;
  readonly keyPrefix: string;
  readonly logger: Logger;
  readonly backoff: { readonly initial: number; readonly max: number } | undefined;
  track(work: Promise<unknown>): void;
}

export interface JobSettings {
  readonly timeout: number | undefined;
  readonly jitter: number;
}

/**
 * One scheduled job. Each scheduled time is claimed under `<prefix><name>:<ISO time>` for the
 * lease and never released, so instances whose clocks differ by less than the lease run it once.
 * While it runs (or pauses after failures) the job claims its next time ahead, `lease` ms early,
 * so no other instance can start it meanwhile: it never overlaps itself across instances either.
 */
export class Job {
  private active = false;
  private timer: unknown;
  private preclaimTimer: unknown;
  private nextAt: number | undefined;
  private readonly held = new Map<number, Promise<boolean | undefined>>();
  private running = false;
  private controller: AbortController | undefined;
  private wake: (() => void) | undefined;
  private pausedUntil = 0;
  private runCount = 0;
  private failures = 0;
  private lastRun: number | undefined;
  private lastScheduled: number | undefined;
  private lastDuration: number | undefined;
  private lastError: JobStatus['lastError'] = null;
  private readonly skipped: SkipCounts = { elsewhere: 0, overlap: 0, backoff: 0, missed: 0, lockError: 0 };

  constructor(readonly name: string, readonly schedule: Schedule, private readonly fn: JobFn,
    private readonly settings: JobSettings, private readonly host: JobHost) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    this.arm(this.host.clock.now());
  }

  /** Clears its timers and aborts a run in progress (its signal's reason is `ERR_POLLER_STOPPED`). */
  stop(): void {
    this.active = false;
    this.host.clock.clearTimeout(this.timer);
    this.host.clock.clearTimeout(this.preclaimTimer);
    this.timer = this.preclaimTimer = this.nextAt = undefined;
    this.held.clear();
    this.wake?.();
    this.controller?.abort(new PollerError('ERR_POLLER_STOPPED', `job "${this.name}" stopped`));
  }

  status(): JobStatus {
    const { lastError } = this;
    return {
      name: this.name, schedule: this.schedule.description, timeout: this.settings.timeout ?? null,
      jitter: this.settings.jitter, nextRun: iso(this.nextAt), lastRun: iso(this.lastRun),
      lastScheduled: iso(this.lastScheduled), lastDuration: this.lastDuration ?? null, lastError, runCount: this.runCount,
      failures: this.failures, running: this.running,
      pausedUntil: this.pausedUntil > this.host.clock.now() ? iso(this.pausedUntil) : null, skipped: { ...this.skipped },
    };
  }

  private arm(from: number): void {
    this.nextAt = this.schedule.next(from);
    this.setTimer(this.nextAt - this.host.clock.now());
    this.planPreclaim();
  }

  private setTimer(delay: number): void {
    this.host.clock.clearTimeout(this.timer);
    this.timer = this.host.clock.setTimeout(() => this.onTimer(), Math.min(Math.max(0, delay), MAX_TIMER_DELAY));
  }

  private onTimer(): void {
    const slot = this.nextAt;
    if (!this.active || slot === undefined) return;
    const now = this.host.clock.now();
    if (now < slot) return this.setTimer(slot - now); // a long wait in steps, or the clock went back
    this.arm(Math.max(now, slot));
    this.host.track(this.fire(slot, now));
  }

  private async fire(slot: number, now: number): Promise<void> {
    const { lease, logger } = this.host;
    const pre = this.held.get(slot);
    this.held.delete(slot);
    if (now - slot >= lease) {
      this.skipped.missed++;
      logger.warn({ job: this.name, slot: iso(slot) }, `[@agentway/poller] job "${this.name}" missed its ${iso(slot)} run: its timer fired ${now - slot} ms late`);
      return;
    }
    const owned = pre ? await pre : await this.claim(slot, lease);
    if (owned === undefined) return;
    if (!owned) {
      this.skipped.elsewhere++;
      return;
    }
    if (!this.active) return;
    if (this.running) {
      this.skipped.overlap++;
      return;
    }
    if (this.host.clock.now() < this.pausedUntil) {
      this.skipped.backoff++;
      return;
    }
    await this.run(slot);
  }

  /** Resolves whether this instance got the time; `undefined` (and a logged error) when the lock failed. */
  private async claim(slot: number, ttl: number): Promise<boolean | undefined> {
    const { lock, keyPrefix } = this.host;
    if (!lock) return true;
    try {
      return (await lock.claim(lockKey(keyPrefix, this.name, iso(slot)!), Math.ceil(ttl))) === true;
    } catch (cause) {
      this.skipped.lockError++;
      const error = new PollerError('ERR_POLLER_LOCK_FAILED', `job "${this.name}" skipped ${iso(slot)}: the lock failed: ${describeError(cause).message}`, { cause });
      this.lastError = { code: error.code, message: error.message, at: iso(this.host.clock.now())! };
      this.host.logger.error({ err: cause, job: this.name, code: error.code }, error.message);
      return undefined;
    }
  }

  /** While busy, claim the next time `lease` ms before it comes, ahead of any skewed instance. */
  private planPreclaim(): void {
    const { clock, lock, lease } = this.host;
    clock.clearTimeout(this.preclaimTimer);
    this.preclaimTimer = undefined;
    const slot = this.nextAt;
    if (!lock || slot === undefined || !this.busyAt(slot) || this.held.has(slot)) return;
    const preclaim = () => {
      this.preclaimTimer = undefined;
      if (!this.active || this.nextAt !== slot || !this.busyAt(slot) || this.held.has(slot)) return;
      const claiming = this.claim(slot, slot - clock.now() + lease);
      this.held.set(slot, claiming);
      this.host.track(claiming);
    };
    const delay = slot - lease - clock.now();
    if (delay <= 0) preclaim();
    else this.preclaimTimer = clock.setTimeout(preclaim, Math.min(delay, MAX_TIMER_DELAY));
  }

  private busyAt(slot: number): boolean {
    return this.running || slot < this.pausedUntil;
  }

  private async run(slot: number): Promise<void> {
    const { clock } = this.host;
    this.running = true;
    this.planPreclaim();
    try {
      if (this.settings.jitter > 0) await this.sleep(Math.floor(Math.random() * this.settings.jitter));
      if (!this.active) return;
      const controller = new AbortController();
      this.controller = controller;
      const started = clock.now();
      this.lastRun = started;
      this.lastScheduled = slot;
      this.runCount++;
      const error = await runOnce(this.fn, { name: this.name, scheduledAt: new Date(slot), signal: controller.signal },
        controller, this.settings.timeout, clock);
      this.lastDuration = clock.now() - started;
      if (error === undefined) this.failures = 0;
      else if ((error as PollerError).code !== 'ERR_POLLER_STOPPED') this.failed(error);
    } finally {
      this.running = false;
      this.controller = undefined;
    }
  }

  private failed(error: unknown): void {
    const now = this.host.clock.now();
    const { backoff, logger } = this.host;
    this.failures++;
    const pause = backoff ? Math.min(backoff.max, backoff.initial * 2 ** (this.failures - 1)) : 0;
    this.pausedUntil = now + pause;
    const { code, message } = describeError(error);
    this.lastError = { ...(code !== undefined && { code }), message, at: iso(now)! };
    logger.error({ err: error, job: this.name, failures: this.failures }, `[@agentway/poller] job "${this.name}" failed (${this.failures} in a row${pause ? `; pausing ${pause} ms` : ''}): ${message}`);
    this.planPreclaim();
  }

  private sleep(ms: number): Promise<void> {
    const { clock } = this.host;
    return new Promise((resolve) => {
      const handle = clock.setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        clock.clearTimeout(handle);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
