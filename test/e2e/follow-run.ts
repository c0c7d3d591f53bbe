import { EventSource } from 'eventsource';

export interface Received {
  type: string;
  data: string;
  /** The id of the frame (empty for frames without one). */
  id: string;
}

/** An EventSource following a run's AG-UI stream until its terminal event. */
export interface Follower {
  readonly events: Received[];
  readonly opens: number;
  /** Resolves once `condition` holds (checked at each event and each (re)connection). */
  until(condition: (f: Follower) => boolean): Promise<void>;
  readonly finished: Promise<Received[]>;
  close(): void;
}

/** Follows a run's AG-UI stream (`GET /agui/ws?run_id=…`) with eventsource@4.1.1, which reconnects by itself with Last-Event-ID. */
export function follow(url: string): Follower {
  const source = new EventSource(url);
  const waits = new Set<{ condition: (f: Follower) => boolean; resolve(): void }>();
  let opens = 0;
  let finish!: (events: Received[]) => void;
  let fail!: (err: Error) => void;
  const follower: Follower = {
    events: [],
    get opens() {
      return opens;
    },
    until(condition) {
      if (condition(follower)) return Promise.resolve();
      return new Promise((resolve) => { waits.add({ condition, resolve }); });
    },
    finished: new Promise((resolve, reject) => {
      finish = resolve;
      fail = reject;
    }),
    close: () => source.close(),
  };
  const check = () => {
    for (const wait of waits) {
      if (!wait.condition(follower)) continue;
      waits.delete(wait);
      wait.resolve();
    }
  };
  source.addEventListener('open', () => {
    opens++;
    check();
  });
  source.addEventListener('message', (e) => {
    const { type } = JSON.parse(e.data) as { type: string };
    follower.events.push({ type, data: e.data, id: e.lastEventId });
    if (type === 'RUN_FINISHED' || type === 'RUN_ERROR') {
      source.close();
      finish(follower.events);
    }
    check();
  });
  source.addEventListener('error', () => {
    if (source.readyState === source.CLOSED) fail(new Error(`the EventSource on ${url} failed`));
  });
  return follower;
}
