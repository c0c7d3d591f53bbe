import type { Broker } from '@agentway/broker';

/** One task in the index: enough to filter by caller and context before reading the run. */
export interface IndexEntry {
  task_id: string;
  context_id: string;
  principal_id?: string;
}

/**
 * The tasks of one agent, newest last, on the broker (topic `a2a.tasks.<agent>`), so that every
 * instance sharing the broker lists the same tasks. Bounded: the broker keeps the last
 * `maxLength` entries; a task whose run has expired is skipped when listing.
 */
export class TaskIndex {
  readonly topic: string;
  private retention: Promise<void> | undefined;

  constructor(private readonly broker: Broker, agentName: string, private readonly maxLength: number) {
    this.topic = `a2a.tasks.${agentName}`;
  }

  async add(entry: IndexEntry): Promise<void> {
    this.retention ??= this.broker.setRetention(this.topic, { maxLength: this.maxLength }).catch((err: unknown) => {
      this.retention = undefined;
      throw err;
    });
    await this.retention;
    await this.broker.publish(this.topic, { key: entry.task_id, value: entry });
  }

  /** Every retained entry, newest first, each task once. */
  async entries(): Promise<IndexEntry[]> {
    const info = await this.broker.describe<IndexEntry>(this.topic);
    if (!info?.last) return [];
    const last = info.last.offset;
    const out: IndexEntry[] = [];
    const subscription = this.broker.subscribe<IndexEntry>(this.topic, { from: 'earliest', onTrimmed: 'skip' });
    try {
      for (;;) {
        const record = await subscription.next();
        if (!record) break;
        out.push(record.value);
        if (record.offset === last) break;
      }
    } finally {
      await subscription.close();
    }
    const seen = new Set<string>();
    return out.reverse().filter((e) => !seen.has(e.task_id) && seen.add(e.task_id));
  }
}
