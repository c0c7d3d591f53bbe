import type { AgentCard, Artifact, Message, Part, StreamResponse, Task, TaskStatus } from './a2a-types';
import { partFromLegacy, stateFromLegacy } from './legacy-wire';
import { isLegacyVersion, normalizeVersion } from './protocol-version';

type Json = Record<string, unknown>;

/**
 * What a 0.3 server answers, read as the 1.0 objects: tasks, messages, stream events and cards.
 * Unknown parts are dropped rather than failing the whole answer.
 */

function parts(value: unknown): Part[] {
  return Array.isArray(value) ? value.map((p) => (isObject(p) ? partFromLegacy(p) : undefined)).filter((p): p is Part => p !== undefined) : [];
}

/** A 0.3 message as a 1.0 message. */
export function messageFromLegacy(m: Json): Message {
  const message: Message = { messageId: String(m.messageId ?? ''), role: m.role === 'user' ? 'ROLE_USER' : 'ROLE_AGENT', parts: parts(m.parts) };
  if (typeof m.contextId === 'string') message.contextId = m.contextId;
  if (typeof m.taskId === 'string') message.taskId = m.taskId;
  if (isObject(m.metadata)) message.metadata = m.metadata;
  return message;
}

function statusFromLegacy(s: unknown): TaskStatus {
  const status = isObject(s) ? s : {};
  const out: TaskStatus = { state: stateFromLegacy(String(status.state)) ?? 'TASK_STATE_UNSPECIFIED' };
  if (isObject(status.message)) out.message = messageFromLegacy(status.message);
  if (typeof status.timestamp === 'string') out.timestamp = status.timestamp;
  return out;
}

function artifactFromLegacy(a: Json): Artifact {
  const artifact: Artifact = { artifactId: String(a.artifactId ?? ''), parts: parts(a.parts) };
  if (typeof a.name === 'string') artifact.name = a.name;
  if (typeof a.description === 'string') artifact.description = a.description;
  return artifact;
}

/** A 0.3 task as a 1.0 task. */
export function taskFromLegacy(t: Json): Task {
  const task: Task = { id: String(t.id ?? ''), contextId: String(t.contextId ?? ''), status: statusFromLegacy(t.status) };
  if (Array.isArray(t.artifacts)) task.artifacts = t.artifacts.filter(isObject).map(artifactFromLegacy);
  if (Array.isArray(t.history)) task.history = t.history.filter(isObject).map(messageFromLegacy);
  if (isObject(t.metadata)) task.metadata = t.metadata;
  return task;
}

/** A 0.3 result (a `kind`-tagged object) as a 1.0 StreamResponse; `undefined` when it is none. */
export function streamFromLegacy(r: unknown): StreamResponse | undefined {
  if (!isObject(r)) return undefined;
  const ids = { taskId: String(r.taskId ?? ''), contextId: String(r.contextId ?? '') };
  switch (r.kind) {
    case 'task': return { task: taskFromLegacy(r) };
    case 'message': return { message: messageFromLegacy(r) };
    case 'status-update': return { statusUpdate: { ...ids, status: statusFromLegacy(r.status) } };
    case 'artifact-update':
      if (!isObject(r.artifact)) return undefined;
      return { artifactUpdate: { ...ids, artifact: artifactFromLegacy(r.artifact), append: r.append === true, lastChunk: r.lastChunk === true } };
    default: return undefined;
  }
}

/**
 * A card in the 1.0 shape: a 1.0 card as it is; a 0.3 card (`url`, `preferredTransport`,
 * `additionalInterfaces`, `protocolVersion`) with its interfaces listed as `supportedInterfaces`.
 */
export function cardFromAny(raw: Json): AgentCard {
  if (Array.isArray(raw.supportedInterfaces) && raw.supportedInterfaces.length > 0) return raw as unknown as AgentCard;
  const declared = typeof raw.protocolVersion === 'string' ? normalizeVersion(raw.protocolVersion) : '0.3';
  const version = isLegacyVersion(declared) ? '0.3' : declared;
  const interfaces = typeof raw.url === 'string'
    ? [{ url: raw.url, protocolBinding: typeof raw.preferredTransport === 'string' ? raw.preferredTransport : 'JSONRPC', protocolVersion: version }]
    : [];
  if (Array.isArray(raw.additionalInterfaces)) {
    for (const i of raw.additionalInterfaces.filter(isObject)) {
      if (typeof i.url === 'string' && typeof i.transport === 'string') interfaces.push({ url: i.url, protocolBinding: i.transport, protocolVersion: version });
    }
  }
  return { ...(raw as unknown as AgentCard), supportedInterfaces: interfaces, capabilities: isObject(raw.capabilities) ? raw.capabilities : {} };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
