import type { Message, Part, StreamResponse, Task, TaskState } from './a2a-types';
import { TERMINAL_STATES } from './a2a-types';

/** What a delegation returns: the task (or the agent's direct message) and its text. */
export interface DelegateResult {
  /** The remote task's id and context (the context is given back for follow-up messages). */
  taskId?: string;
  contextId?: string;
  /** The task's final state (absent when the agent answered with a message, not a task). */
  state?: TaskState;
  /** The text of the task's artifacts (or of the message), joined as the agent produced it. */
  text: string;
  task?: Task;
  message?: Message;
}

/** The states a delegation stops waiting at: the terminal ones and the interrupted ones. */
export const FINAL_STATES: ReadonlySet<TaskState> = new Set<TaskState>([...TERMINAL_STATES, 'TASK_STATE_INPUT_REQUIRED', 'TASK_STATE_AUTH_REQUIRED']);

/** Builds a task from a stream: the first Task, then status changes and artifact (chunk) updates. */
export class TaskAccumulator {
  task: Task | undefined;
  message: Message | undefined;

  apply(event: StreamResponse): void {
    if (event.task) {
      this.task = { ...event.task, artifacts: (event.task.artifacts ?? []).map((a) => ({ ...a, parts: [...a.parts] })) };
    } else if (event.message) {
      this.message = event.message;
    } else if (event.statusUpdate) {
      const { taskId, contextId, status } = event.statusUpdate;
      this.task ??= { id: taskId, contextId, status, artifacts: [] };
      this.task.status = status;
    } else if (event.artifactUpdate) {
      const { taskId, contextId, artifact, append } = event.artifactUpdate;
      this.task ??= { id: taskId, contextId, status: { state: 'TASK_STATE_WORKING' }, artifacts: [] };
      const artifacts = (this.task.artifacts ??= []);
      const known = artifacts.find((a) => a.artifactId === artifact.artifactId);
      if (known && append) appendParts(known.parts, artifact.parts);
      else if (known) Object.assign(known, { ...artifact, parts: [...artifact.parts] });
      else artifacts.push({ ...artifact, parts: [...artifact.parts] });
    }
  }

  get final(): boolean {
    return this.task === undefined ? this.message !== undefined : FINAL_STATES.has(this.task.status.state);
  }

  result(): DelegateResult {
    if (!this.task) return { text: textOf(this.message?.parts ?? []), ...(this.message && { message: this.message }) };
    const { id, contextId, status, artifacts = [] } = this.task;
    return { taskId: id, contextId, state: status.state, text: artifacts.map((a) => textOf(a.parts)).join(''), task: this.task };
  }
}

/** Appends chunks to an artifact's parts: text onto text (same media type, no metadata) joins into one part. */
function appendParts(parts: Part[], more: readonly Part[]): void {
  for (const part of more) {
    const last = parts.at(-1);
    const joinable = part.text !== undefined && last?.text !== undefined && !part.metadata && !last.metadata && part.mediaType === last.mediaType;
    if (joinable) parts[parts.length - 1] = { ...last, text: last.text + part.text! };
    else parts.push(part);
  }
}

/** The text parts, joined. */
export function textOf(parts: readonly Part[]): string {
  let text = '';
  for (const part of parts) if (typeof part.text === 'string') text += part.text;
  return text;
}
