import { AgentsError, runTopic, type RunEvent, type RunEventRecord, type Runtime } from '@agentway/agents';
import type { BrokerRecord } from '@agentway/broker';
import { isTaskId } from './rpc-params';
import { TaskProjection } from './task-projection';

/** Whose tasks an endpoint may show: its agent's, and (with auth) only the caller's own. */
export interface TaskScope {
  readonly agentName: string;
  /** The caller's principal id (`req.user.id`), when auth is on. */
  readonly principalId: string | undefined;
}

/** A task folded from its run's events up to `offset`; with `follow`, the rest of its events, live. */
export interface TaskSnapshot {
  readonly projection: TaskProjection;
  readonly offset: string;
  /** The events after `offset` until the terminal one (only with `follow`, for a task not yet ended). */
  readonly events?: AsyncGenerator<RunEventRecord>;
}

/** How far `readTask()` reads, and whether it keeps reading. */
export interface ReadTaskOptions {
  /** Fold up to this offset (default: the run's last event when read). */
  until?: string;
  /** Keep reading after the snapshot: `events` holds the rest. */
  follow?: boolean;
  /** Ends `events` (the client left). */
  signal?: AbortSignal;
}

/** True when the run's `run_started` belongs to the scope's agent and caller. */
export function visible(first: BrokerRecord<RunEvent> | undefined, scope: TaskScope): boolean {
  const event = first?.value;
  return event?.type === 'run_started' && event.agent_name === scope.agentName
    && (event.principal_id === undefined || event.principal_id === scope.principalId);
}

/**
 * Reads a task from the broker — from any instance — as its run's events up to now (or up to
 * `until`). `undefined` when it does not exist, has expired, belongs to another agent, or to
 * another principal: these look alike on purpose, a caller learns nothing of tasks it may not see.
 */
export async function readTask(runtime: Runtime, taskId: string, scope: TaskScope, options: ReadTaskOptions = {}): Promise<TaskSnapshot | undefined> {
  if (!isTaskId(taskId)) return undefined;
  let until = options.until;
  if (until === undefined) {
    const info = await runtime.broker.describe<RunEvent>(runTopic(taskId));
    if (!info?.last || !visible(info.first, scope)) return undefined;
    until = info.last.offset;
  }
  const events = runtime.events(taskId, { signal: options.signal });
  let projection: TaskProjection | undefined;
  try {
    for (;;) {
      const step = await events.next();
      if (step.done) break;
      if (!projection) projection = TaskProjection.start(step.value);
      else projection.apply(step.value);
      if (!projection || step.value.offset === until) break;
    }
  } catch (err) {
    if (err instanceof AgentsError && err.code === 'ERR_AGENTS_RUN_NOT_FOUND') return undefined;
    throw err;
  }
  const mine = projection !== undefined && projection.agentName === scope.agentName
    && (projection.principalId === undefined || projection.principalId === scope.principalId);
  if (!mine || !options.follow || projection!.terminal) {
    await events.return(undefined);
    return mine ? { projection: projection!, offset: until } : undefined;
  }
  return { projection: projection!, offset: until, events };
}

/** A task's summary from its first and last records only (status and history, no artifacts). */
export function summarize(first: BrokerRecord<RunEvent>, last: BrokerRecord<RunEvent>): TaskProjection | undefined {
  const projection = TaskProjection.start(toRecord(first));
  if (projection && last.offset !== first.offset) projection.apply(toRecord(last));
  return projection;
}

function toRecord(record: BrokerRecord<RunEvent>): RunEventRecord {
  return { offset: record.offset, timestamp: record.timestamp, event: record.value };
}
