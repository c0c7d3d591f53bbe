import type { Router } from 'express';
import { Job, type JobHost } from './job';
import type { JobStatus } from './job-status';
import { jobDecorator, type JobDecorator } from './job-decorator';
import {
  resolveJobOptions, resolvePollerOptions, resolveRouterOptions,
  type CronJobOptions, type JobOptions, type PollerOptions, type StatusRouterOptions,
} from './poller-options';
import { usageError } from './poller-error';
import type { JobFn } from './run-once';
import { cronSchedule, intervalSchedule, type Every, type Schedule } from './schedule';
import { statusRouter } from './status-router';

/** A registered job: its name and its status on this instance. */
export interface PollerJob {
  readonly name: string;
  status(): JobStatus;
}

/**
 * Scheduled jobs that fire once per scheduled time across instances sharing a lock, never
 * overlap themselves, time out through their `AbortSignal` and pause after failures.
 */
export class PollerManager {
  private readonly config: ReturnType<typeof resolvePollerOptions>;
  private readonly host: JobHost;
  private readonly registry = new Map<string, Job>();
  private readonly inflight = new Set<Promise<unknown>>();
  private active = false;

  constructor(options?: Readonly<PollerOptions>) {
    this.config = resolvePollerOptions(options);
    const inflight = this.inflight;
    this.host = {
      ...this.config,
      track(work) {
        inflight.add(work);
        void work.finally(() => inflight.delete(work));
      },
    };
  }

  /** Whether `start()` was called (and `stop()` not since). */
  get started(): boolean {
    return this.active;
  }

  /** A job every interval, at the multiples of the interval since the epoch; without `fn`, a method decorator. */
  every(interval: Every, fn: JobFn, options?: JobOptions): PollerJob;
  every(interval: Every, options?: JobOptions): JobDecorator;
  every(interval: Every, fnOrOptions?: JobFn | JobOptions, options?: JobOptions): PollerJob | JobDecorator {
    const schedule = intervalSchedule(interval);
    if (typeof fnOrOptions === 'function') return this.add(schedule, fnOrOptions, resolveJobOptions(options, false));
    const checked = resolveJobOptions(fnOrOptions, false);
    return jobDecorator((name, fn) => this.add(schedule, fn, { ...checked, name: checked.name ?? name }));
  }

  /** A job on a cron expression (node-cron syntax, 5 or 6 fields) in `timezone`; without `fn`, a method decorator. */
  cron(expression: string, fn: JobFn, options?: CronJobOptions): PollerJob;
  cron(expression: string, options?: CronJobOptions): JobDecorator;
  cron(expression: string, fnOrOptions?: JobFn | CronJobOptions, options?: CronJobOptions): PollerJob | JobDecorator {
    const given = typeof fnOrOptions === 'function' ? options : fnOrOptions;
    const checked = resolveJobOptions(given, true);
    const schedule = cronSchedule(expression, checked.timezone);
    if (typeof fnOrOptions === 'function') return this.add(schedule, fnOrOptions, checked);
    return jobDecorator((name, fn) => this.add(schedule, fn, { ...checked, name: checked.name ?? name }));
  }

  /** Arms every job (and those added later); logs whether fires are shared through a lock. Idempotent. */
  start(): void {
    if (this.active) return;
    this.active = true;
    const { lock, lease, logger } = this.config;
    logger.info(lock
      ? `[@agentway/poller] ${this.registry.size} job(s) started; each scheduled time fires once across the instances sharing the lock (lease ${lease} ms)`
      : `[@agentway/poller] ${this.registry.size} job(s) started without a lock: they run on this instance only (pass lock: broker to fire once across instances)`);
    for (const job of this.registry.values()) job.start();
  }

  /** Ends every timer, aborts the runs in progress and resolves once they have settled. */
  async stop(): Promise<void> {
    this.active = false;
    for (const job of this.registry.values()) job.stop();
    await this.idle();
  }

  /** Resolves once no claim or run is in flight. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Every job's status on this instance. */
  jobs(): JobStatus[] {
    return [...this.registry.values()].map((job) => job.status());
  }

  /** One job's status, or `undefined`. */
  job(name: string): JobStatus | undefined {
    return this.registry.get(name)?.status();
  }

  /** An Express router: `GET /` lists the jobs, `GET /:name` shows one (404 JSON otherwise). */
  router(options?: Readonly<StatusRouterOptions>): Router {
    const { auth } = resolveRouterOptions(options);
    return statusRouter({ key: 'jobs', noun: 'job', list: () => this.jobs(), get: (name) => this.job(name) }, auth);
  }

  private add(schedule: Schedule, fn: JobFn, options: { name?: string; timeout?: number; jitter?: number }): PollerJob {
    const name = options.name ?? this.defaultName(schedule, fn);
    if (this.registry.has(name)) {
      throw usageError('ERR_POLLER_DUPLICATE_NAME', `a job named "${name}" exists already; give each job its own name`);
    }
    const job = new Job(name, schedule, fn, { timeout: options.timeout, jitter: options.jitter ?? 0 }, this.host);
    this.registry.set(name, job);
    if (this.active) job.start();
    return Object.freeze({ name, status: () => job.status() });
  }

  /** The function's name, else the schedule's label, numbered when taken: stable across instances running the same code. */
  private defaultName(schedule: Schedule, fn: JobFn): string {
    if (fn.name && fn.name !== 'anonymous') return fn.name;
    let name = schedule.label;
    for (let n = 2; this.registry.has(name); n++) name = `${schedule.label} #${n}`;
    return name;
  }
}
