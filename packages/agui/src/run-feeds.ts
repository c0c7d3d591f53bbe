import type { Runtime } from '@agentway/agents';
import type { AguiDialect } from './agui-event';
import type { OpenStreams } from './open-streams';
import { RunFeed } from './run-feed';

/** The feeds of one router, by run and dialect: at most one per run and dialect at a time. */
export class RunFeeds {
  private readonly feeds = new Map<string, RunFeed>();

  constructor(readonly streams: OpenStreams) {}

  /** The feed of `runId` in `dialect` (started if there is none), retained: call `release()` once attached or refused. */
  acquire(runtime: Runtime, runId: string, dialect: AguiDialect): RunFeed {
    const key = `${dialect}\u0000${runId}`;
    let feed = this.feeds.get(key);
    if (!feed) {
      const created: RunFeed = new RunFeed(runtime, runId, dialect, this.streams, () => {
        if (this.feeds.get(key) === created) this.feeds.delete(key);
      });
      feed = created;
      this.feeds.set(key, feed);
    }
    return feed.retain();
  }
}
