import type { Artifact, Message, Part, StreamResponse, Task, TaskState, TaskStatus } from './a2a-types';

/**
 * The A2A 0.3 wire format, translated to and from the 1.0 objects agentway works with:
 * kebab-case lower states, `user`/`agent` roles, `kind`-tagged parts, messages and tasks,
 * `status-update` events with their required `final` flag.
 */

const STATES_03: Record<TaskState, string> = {
  TASK_STATE_SUBMITTED: 'submitted',
  TASK_STATE_WORKING: 'working',
  TASK_STATE_COMPLETED: 'completed',
  TASK_STATE_FAILED: 'failed',
  TASK_STATE_CANCELED: 'canceled',
  TASK_STATE_INPUT_REQUIRED: 'input-required',
  TASK_STATE_REJECTED: 'rejected',
  TASK_STATE_AUTH_REQUIRED: 'auth-required',
  TASK_STATE_UNSPECIFIED: 'unknown',
};
const STATES_10 = new Map(Object.entries(STATES_03).map(([v1, v03]) => [v03, v1 as TaskState]));
const FINAL_03 = new Set(['completed', 'canceled', 'failed', 'rejected']);

type Json = Record<string, unknown>;

/** True for a 1.0 task state name (`TASK_STATE_WORKING`). */
export function isTaskState(state: string): state is TaskState {
  return Object.hasOwn(STATES_03, state);
}

/** A 0.3 task state ("input-required") in 1.0 spelling; `undefined` when unknown. */
export function stateFromLegacy(state: string): TaskState | undefined {
  return STATES_10.get(state);
}

/** A 1.0 task state in 0.3 spelling ("TASK_STATE_INPUT_REQUIRED" → "input-required"). */
export function stateToLegacy(state: TaskState): string {
  return STATES_03[state] ?? 'unknown';
}

/** A 1.0 part as a 0.3 part (`kind` text, file or data; a non-object data value wrapped as `{ value }`). */
export function partToLegacy(part: Part): Json {
  const meta = part.metadata ? { metadata: part.metadata } : {};
  if (part.text !== undefined) return { kind: 'text', text: part.text, ...meta };
  if (part.url !== undefined || part.raw !== undefined) {
    const file: Json = part.url !== undefined ? { uri: part.url } : { bytes: part.raw };
    if (part.mediaType) file.mimeType = part.mediaType;
    if (part.filename) file.name = part.filename;
    return { kind: 'file', file, ...meta };
  }
  const data = part.data;
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) return { kind: 'data', data, ...meta };
  return { kind: 'data', data: { value: data ?? null }, metadata: { ...part.metadata, data_part_compat: true } };
}

/** A 0.3 part (`kind` text, file or data) as a 1.0 part; `undefined` when it is none of those. */
export function partFromLegacy(part: Json): Part | undefined {
  const meta = isObject(part.metadata) ? { metadata: part.metadata } : {};
  if (part.kind === 'text' && typeof part.text === 'string') return { text: part.text, ...meta };
  if (part.kind === 'data' && isObject(part.data)) {
    const compat = isObject(part.metadata) && part.metadata.data_part_compat === true && 'value' in part.data;
    return { data: compat ? part.data.value : part.data, ...meta };
  }
  if (part.kind === 'file' && isObject(part.file)) {
    const { uri, bytes, mimeType, name } = part.file;
    const extra = { ...(typeof mimeType === 'string' && { mediaType: mimeType }), ...(typeof name === 'string' && { filename: name }), ...meta };
    if (typeof uri === 'string') return { url: uri, ...extra };
    if (typeof bytes === 'string') return { raw: bytes, ...extra };
  }
  return undefined;
}

/** A 1.0 message as a 0.3 message (`kind: "message"`, role `user`/`agent`). */
export function messageToLegacy(message: Message): Json {
  const out: Json = { kind: 'message', messageId: message.messageId, role: message.role === 'ROLE_USER' ? 'user' : 'agent', parts: message.parts.map(partToLegacy) };
  if (message.contextId) out.contextId = message.contextId;
  if (message.taskId) out.taskId = message.taskId;
  if (message.metadata) out.metadata = message.metadata;
  return out;
}

function statusToLegacy(status: TaskStatus): Json {
  const out: Json = { state: stateToLegacy(status.state) };
  if (status.message) out.message = messageToLegacy(status.message);
  if (status.timestamp) out.timestamp = status.timestamp;
  return out;
}

function artifactToLegacy(artifact: Artifact): Json {
  const out: Json = { artifactId: artifact.artifactId, parts: artifact.parts.map(partToLegacy) };
  if (artifact.name) out.name = artifact.name;
  if (artifact.description) out.description = artifact.description;
  return out;
}

/** A 1.0 task as a 0.3 task (`kind: "task"`). */
export function taskToLegacy(task: Task): Json {
  const out: Json = { kind: 'task', id: task.id, contextId: task.contextId, status: statusToLegacy(task.status) };
  if (task.artifacts) out.artifacts = task.artifacts.map(artifactToLegacy);
  if (task.history) out.history = task.history.map(messageToLegacy);
  if (task.metadata) out.metadata = task.metadata;
  return out;
}

/** A 1.0 stream frame's `result` in 0.3: the object itself, tagged with its `kind`. */
export function streamResponseToLegacy(response: StreamResponse): Json {
  if (response.task) return taskToLegacy(response.task);
  if (response.message) return messageToLegacy(response.message);
  if (response.statusUpdate) {
    const { taskId, contextId, status } = response.statusUpdate;
    const legacy = statusToLegacy(status);
    return { kind: 'status-update', taskId, contextId, status: legacy, final: FINAL_03.has(legacy.state as string) };
  }
  const { taskId, contextId, artifact, append, lastChunk } = response.artifactUpdate!;
  return { kind: 'artifact-update', taskId, contextId, artifact: artifactToLegacy(artifact), append: append ?? false, lastChunk: lastChunk ?? false };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
