import type { Broker, Subscription } from '@agentway/broker';
import { RunAbort } from './run-abort';
import { RunStopper } from './run-stopper';
import { CONTROL_TOPIC } from './topics';

interface CancelMessage {
  type: 'cancel';
  run_id: string;
  reason?: string;
}

/**
 * The runs this process executes, and the control topic that lets any process cancel them:
 * `cancel(runId)` aborts a local run at once, or tells every process through the broker.
 */
export class RunControl {
  private readonly running = new Map<string, RunStopper>();
  private subscription: Subscription<CancelMessage> | undefined;
  private listening: Promise<void> | undefined;
  private listens = false;

  constructor(private readonly broker: Broker) {}

  /** Resolves once this process listens to the control topic (at once after the first time). */
  ready(): Promise<void> | undefined {
    return this.listens ? undefined : this.listen();
  }

  /** Registers a run executing here (after `ready()`); its stopper stops it when it is cancelled from anywhere. */
  track(runId: string): RunStopper {
    const stopper = new RunStopper();
    this.running.set(runId, stopper);
    return stopper;
  }

  untrack(runId: string): void {
    this.running.delete(runId);
  }

  isLocal(runId: string): boolean {
    return this.running.has(runId);
  }

  abortAll(reason: RunAbort): void {
    for (const stopper of this.running.values()) stopper.stop(reason);
  }

  /** Cancels a run executing anywhere. */
  async cancel(runId: string, reason = 'the run was cancelled'): Promise<void> {
    const local = this.running.get(runId);
    if (local) {
      local.stop(new RunAbort('cancelled', reason));
      return;
    }
    await this.broker.publish<CancelMessage>(CONTROL_TOPIC, { key: runId, value: { type: 'cancel', run_id: runId, reason } });
  }

  private listen(): Promise<void> {
    this.listening ??= (async () => {
      const subscription = this.broker.subscribe<CancelMessage>(CONTROL_TOPIC, { from: 'latest' });
      this.subscription = subscription;
      await subscription.ready;
      this.listens = true;
      void (async () => {
        for await (const { value } of subscription) {
          if (value?.type === 'cancel') this.running.get(value.run_id)?.stop(new RunAbort('cancelled', value.reason ?? 'the run was cancelled'));
        }
      })().catch(() => undefined);
    })();
    return this.listening;
  }

  async close(): Promise<void> {
    await this.subscription?.close();
  }
}
