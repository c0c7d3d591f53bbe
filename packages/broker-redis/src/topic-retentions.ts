import type { Retention } from '@agentway/broker';
import type { Connections } from './connections';
import type { Keys } from './keys';

/** What this process knows of one topic: its stream key and its retention, ready for XADD. */
export interface TopicState {
  readonly key: string;
  readonly retention: Retention;
  /** The `n` of `MAXLEN ~ n`, if the topic has a maxLength. */
  readonly maxLength: string | undefined;
  /** With both bounds: when the last `XTRIM MINID` ran (it is issued at most once a second). */
  agedAt: number;
}

const CACHED = 10_000;

/**
 * Per-topic retention, shared by every process through Redis (`setRetention()` stores it beside
 * the stream), cached here. A topic this process has not seen yet is looked up on its first use;
 * until the answer comes, its XADDs do not trim, so a topic is never cut to the wrong bound.
 */
export class TopicRetentions {
  private readonly known = new Map<string, TopicState>();
  private readonly loading = new Map<string, Promise<void>>();
  constructor(private readonly connections: Connections, private readonly keys: Keys, private readonly defaults: Retention) {}

  /** The topic's retention if known here (a topic known here has been checked already). */
  peek(topic: string): TopicState | undefined {
    return this.known.get(topic);
  }

  /** The topic's retention if known here; otherwise starts looking it up and returns undefined. */
  get(topic: string): TopicState | undefined {
    const known = this.known.get(topic);
    if (known === undefined && !this.loading.has(topic)) void this.load(topic);
    return known;
  }

  /** Resolves once the topic's retention is known here. */
  async resolve(topic: string): Promise<TopicState> {
    return this.known.get(topic) ?? (await this.load(topic), this.known.get(topic) ?? this.state(topic, this.defaults));
  }

  /** Stores a topic's own retention (replacing the default, as the memory broker does) and trims to it. */
  async set(topic: string, retention: Retention): Promise<void> {
    const merged = { ...this.defaults, ...retention };
    this.remember(topic, this.state(topic, merged));
    const stored = JSON.stringify({ maxLength: merged.maxLength, maxAge: merged.maxAge });
    await Promise.all([
      this.connections.run(['SET', this.keys.retention(topic), stored]),
      this.trimNow(topic),
    ]);
  }

  /** Applies the topic's retention now (before `describe()`, after `set()`). */
  async trimNow(topic: string): Promise<void> {
    const { retention } = await this.resolve(topic);
    const key = this.keys.stream(topic);
    const commands: Promise<unknown>[] = [];
    if (retention.maxLength !== undefined) commands.push(this.connections.run(['XTRIM', key, 'MAXLEN', '~', String(retention.maxLength)]));
    if (retention.maxAge !== undefined) commands.push(this.connections.run(['XTRIM', key, 'MINID', '~', minId(retention.maxAge)]));
    await Promise.all(commands);
  }

  private load(topic: string): Promise<void> {
    let loading = this.loading.get(topic);
    if (!loading) {
      loading = this.connections.run<string | null>(['GET', this.keys.retention(topic)])
        .then((stored) => {
          if (!this.known.has(topic)) this.remember(topic, this.state(topic, stored === null ? this.defaults : parse(stored, this.defaults)));
        }, () => undefined)
        .finally(() => this.loading.delete(topic));
      this.loading.set(topic, loading);
    }
    return loading;
  }

  private state(topic: string, retention: Retention): TopicState {
    const maxLength = retention.maxLength === undefined ? undefined : String(retention.maxLength);
    return { key: this.keys.stream(topic), retention, maxLength, agedAt: 0 };
  }

  private remember(topic: string, topicState: TopicState): void {
    this.known.delete(topic);
    this.known.set(topic, topicState);
    if (this.known.size > CACHED) this.known.delete(this.known.keys().next().value!);
  }
}

/** The oldest id to keep under `maxAge` (approximate: measured on this machine's clock). */
export function minId(maxAge: number): string {
  return `${Math.max(0, Date.now() - maxAge)}-0`;
}

function parse(stored: string, fallback: Retention): Retention {
  try {
    const { maxLength, maxAge } = JSON.parse(stored) as Retention;
    return {
      maxLength: Number.isInteger(maxLength) && maxLength! > 0 ? maxLength : undefined,
      maxAge: typeof maxAge === 'number' && maxAge > 0 ? maxAge : undefined,
    };
  } catch {
    return fallback;
  }
}
