import type { RunEvent, Runtime } from '@agentway/agents';

export const ask = (text: string) => ({ messages: [{ role: 'user' as const, content: text }] });

/** Every event of a run, read to its terminal event. */
export async function allEvents(runtime: Runtime, runId: string, after?: string): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const { event } of runtime.events(runId, after === undefined ? {} : { after })) events.push(event);
  return events;
}

/** A promise and the function that resolves it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}
