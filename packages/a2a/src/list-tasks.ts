import { runTopic, type RunEvent, type Runtime } from '@agentway/agents';
import type { Task } from './a2a-types';
import { rpcErrors } from './rpc-error';
import type { ListParams } from './rpc-params';
import type { TaskIndex } from './task-index';
import type { TaskProjection } from './task-projection';
import { readTask, summarize, visible, type TaskScope } from './task-reader';

/** ListTasks' result (A2A 1.0). */
export interface ListTasksResult {
  tasks: Task[];
  nextPageToken: string;
  pageSize: number;
  totalSize: number;
}

/**
 * ListTasks over the agent's task index: the caller's tasks (and only theirs with auth on),
 * filtered by context, state and update time, newest update first, paged by an opaque cursor
 * (`base64url([updatedAt, id])`) that stays valid while tasks come and go.
 */
export async function listTasks(runtime: Runtime, index: TaskIndex, scope: TaskScope, params: ListParams): Promise<ListTasksResult> {
  const cursor = params.pageToken === undefined ? undefined : decodeCursor(params.pageToken);
  const entries = (await index.entries()).filter((e) =>
    (e.principal_id === undefined || e.principal_id === scope.principalId)
    && (params.contextId === undefined || e.context_id === params.contextId));
  const infos = await Promise.all(entries.map((e) => runtime.broker.describe<RunEvent>(runTopic(e.task_id))));
  let rows: TaskProjection[] = [];
  for (const info of infos) {
    if (!info?.first || !info.last || !visible(info.first, scope)) continue;
    const summary = summarize(info.first, info.last);
    if (!summary) continue;
    if (params.status !== undefined && summary.state !== params.status) continue;
    if (params.statusTimestampAfter !== undefined && summary.updatedAt <= params.statusTimestampAfter) continue;
    rows.push(summary);
  }
  rows.sort((a, b) => b.updatedAt - a.updatedAt || (a.taskId < b.taskId ? 1 : a.taskId > b.taskId ? -1 : 0));
  const totalSize = rows.length;
  if (cursor) rows = rows.filter((r) => r.updatedAt < cursor[0] || (r.updatedAt === cursor[0] && r.taskId < cursor[1]));
  const page = rows.slice(0, params.pageSize);
  const shape = { historyLength: params.historyLength, includeArtifacts: params.includeArtifacts };
  const tasks = await Promise.all(page.map(async (summary) => {
    if (!params.includeArtifacts) return summary.toTask(shape);
    const full = await readTask(runtime, summary.taskId, scope);
    return (full?.projection ?? summary).toTask(shape);
  }));
  const last = page.at(-1);
  const nextPageToken = last && rows.length > page.length ? encodeCursor(last) : '';
  return { tasks, nextPageToken, pageSize: params.pageSize, totalSize };
}

function encodeCursor(task: TaskProjection): string {
  return Buffer.from(JSON.stringify([task.updatedAt, task.taskId])).toString('base64url');
}

function decodeCursor(token: string): [number, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // not JSON: answered below
  }
  throw rpcErrors.invalidParams('pageToken', 'pageToken is not a token this server issued');
}
