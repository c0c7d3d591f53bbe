import type { Message, Part, TaskState } from './a2a-types';
import { isTaskState, partFromLegacy, stateFromLegacy } from './legacy-wire';
import { rpcErrors } from './rpc-error';

/** A message to start a task with, whatever the wire version. */
export interface SendParams {
  message: Message;
  returnImmediately: boolean;
  historyLength: number | undefined;
}

/** The params of the calls about one task. */
export interface TaskIdParams {
  id: string;
  historyLength: number | undefined;
}

/** ListTasks params, checked, with defaults. */
export interface ListParams {
  contextId: string | undefined;
  status: TaskState | undefined;
  pageSize: number;
  pageToken: string | undefined;
  historyLength: number | undefined;
  statusTimestampAfter: number | undefined;
  includeArtifacts: boolean;
}

type Json = Record<string, unknown>;

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** True for a string that can be a run (task) or thread (context) id. */
export function isTaskId(id: unknown): id is string {
  return typeof id === 'string' && ID.test(id);
}
const TEXT_MODES = new Set(['text/plain', 'text/*', '*/*', 'text/markdown']);

/** The params object of a request (`-32602` when it is not an object). */
export function paramsObject(params: unknown): Json {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw rpcErrors.invalidParams('params', 'params must be an object');
  return params as Json;
}

/** SendMessage / message/send params; `legacy` reads the 0.3 shapes. */
export function sendParams(params: unknown, legacy: boolean): SendParams {
  const p = paramsObject(params);
  const message = legacy ? legacyMessage(p.message) : checkMessage(p.message);
  const configuration = p.configuration ?? {};
  if (typeof configuration !== 'object' || configuration === null) throw rpcErrors.invalidParams('configuration', 'configuration must be an object');
  const c = configuration as Json;
  if (c.taskPushNotificationConfig !== undefined || c.pushNotificationConfig !== undefined) throw rpcErrors.pushNotSupported();
  const modes = c.acceptedOutputModes;
  if (modes !== undefined && (!Array.isArray(modes) || !modes.every((m) => typeof m === 'string'))) {
    throw rpcErrors.invalidParams('configuration.acceptedOutputModes', 'configuration.acceptedOutputModes must be an array of media types');
  }
  if (Array.isArray(modes) && modes.length > 0 && !modes.some((m) => TEXT_MODES.has(m as string))) {
    throw rpcErrors.contentType(`this agent answers in text/plain, which acceptedOutputModes (${modes.join(', ')}) leaves out`);
  }
  const flag = legacy ? c.blocking : c.returnImmediately;
  if (flag !== undefined && typeof flag !== 'boolean') {
    throw rpcErrors.invalidParams(`configuration.${legacy ? 'blocking' : 'returnImmediately'}`, `configuration.${legacy ? 'blocking' : 'returnImmediately'} must be a boolean`);
  }
  return { message, returnImmediately: legacy ? flag === false : flag === true, historyLength: historyLength(c.historyLength, 'configuration.historyLength') };
}

/** GetTask, CancelTask, SubscribeToTask (and their 0.3 names): `{ id, historyLength? }`. */
export function taskIdParams(params: unknown): TaskIdParams {
  const p = paramsObject(params);
  if (typeof p.id !== 'string' || p.id === '') throw rpcErrors.invalidParams('id', 'id must be a non-empty string (the task id)');
  return { id: p.id, historyLength: historyLength(p.historyLength, 'historyLength') };
}

/** ListTasks params (`-32602` naming the field that is wrong). */
export function listParams(params: unknown): ListParams {
  const p = paramsObject(params ?? {});
  const { contextId, status, pageSize = 50, pageToken, statusTimestampAfter, includeArtifacts = false } = p;
  if (contextId !== undefined && typeof contextId !== 'string') throw rpcErrors.invalidParams('contextId', 'contextId must be a string');
  let state: TaskState | undefined;
  if (status !== undefined && status !== 'TASK_STATE_UNSPECIFIED') {
    state = typeof status !== 'string' ? undefined : isTaskState(status) ? status : stateFromLegacy(status);
    if (!state) throw rpcErrors.invalidParams('status', `status must be a task state such as TASK_STATE_WORKING, got ${JSON.stringify(status)}`);
  }
  if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    throw rpcErrors.invalidParams('pageSize', 'pageSize must be an integer between 1 and 100');
  }
  if (pageToken !== undefined && typeof pageToken !== 'string') throw rpcErrors.invalidParams('pageToken', 'pageToken must be a string');
  let after: number | undefined;
  if (statusTimestampAfter !== undefined) {
    after = typeof statusTimestampAfter === 'string' ? Date.parse(statusTimestampAfter) : NaN;
    if (Number.isNaN(after)) throw rpcErrors.invalidParams('statusTimestampAfter', 'statusTimestampAfter must be an ISO-8601 timestamp');
  }
  if (typeof includeArtifacts !== 'boolean') throw rpcErrors.invalidParams('includeArtifacts', 'includeArtifacts must be a boolean');
  return {
    contextId: contextId || undefined, status: state, pageSize, pageToken: pageToken || undefined,
    historyLength: historyLength(p.historyLength, 'historyLength'), statusTimestampAfter: after, includeArtifacts,
  };
}

function historyLength(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw rpcErrors.invalidParams(field, `${field} must be an integer >= 0`);
  return value;
}

function checkMessage(value: unknown): Message {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw rpcErrors.invalidParams('message', 'message is required');
  const m = value as Json;
  if (m.role !== 'ROLE_USER') throw rpcErrors.invalidParams('message.role', `message.role must be ROLE_USER, got ${JSON.stringify(m.role)}`);
  if (!Array.isArray(m.parts) || m.parts.length === 0) throw rpcErrors.invalidParams('message.parts', 'message.parts must hold at least one part');
  m.parts.forEach((part, i) => checkPart(part, i));
  return checkIds(m, m as unknown as Message);
}

function legacyMessage(value: unknown): Message {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw rpcErrors.invalidParams('message', 'message is required');
  const m = value as Json;
  if (m.role !== 'user') throw rpcErrors.invalidParams('message.role', `message.role must be "user", got ${JSON.stringify(m.role)}`);
  if (!Array.isArray(m.parts) || m.parts.length === 0) throw rpcErrors.invalidParams('message.parts', 'message.parts must hold at least one part');
  const parts = m.parts.map((part, i) => {
    const converted = typeof part === 'object' && part !== null ? partFromLegacy(part as Json) : undefined;
    if (!converted) throw rpcErrors.invalidParams(`message.parts[${i}]`, `message.parts[${i}] must be a text, file or data part`);
    return converted;
  });
  return checkIds(m, { messageId: m.messageId as string, role: 'ROLE_USER', parts });
}

function checkIds(m: Json, message: Message): Message {
  if (typeof m.messageId !== 'string' || m.messageId === '') throw rpcErrors.invalidParams('message.messageId', 'message.messageId must be a non-empty string');
  for (const key of ['contextId', 'taskId'] as const) {
    const id = m[key];
    if (id === undefined || id === '') continue;
    if (typeof id !== 'string' || !ID.test(id)) throw rpcErrors.invalidParams(`message.${key}`, `message.${key} must be 1–128 letters, digits, ".", "_", ":" or "-"`);
    message = { ...message, [key]: id };
  }
  return message;
}

function checkPart(part: unknown, i: number): asserts part is Part {
  const p = part as Json;
  const kinds = typeof p === 'object' && p !== null ? ['text', 'raw', 'url', 'data'].filter((k) => p[k] !== undefined) : [];
  const ok = kinds.length === 1 && (kinds[0] === 'data' || typeof p[kinds[0]!] === 'string');
  if (!ok) throw rpcErrors.invalidParams(`message.parts[${i}]`, `message.parts[${i}] must hold exactly one of text, raw, url or data`);
}
