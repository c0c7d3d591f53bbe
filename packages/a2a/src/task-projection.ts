import type { RunEvent, RunEventRecord, RunInput } from '@agentway/agents';
import type { Artifact, Message, Task, TaskState, TaskStatusUpdateEvent } from './a2a-types';

/** Where a projection reports what changed, event by event (a stream writes these as frames). */
export interface ProjectionSink {
  status(update: TaskStatusUpdateEvent): void;
  /** A piece of a text artifact: the first of an artifact has `append` false; the last has `lastChunk`. */
  chunk(artifactId: string, text: string, append: boolean, lastChunk: boolean): void;
}

/** The metadata key that keeps the A2A `messageId` of the message a task was started with. */
export const MESSAGE_ID_KEY = 'a2a.messageId';

/** The name of the text artifacts of a task. */
export const ARTIFACT_NAME = 'response';

interface TextArtifact {
  readonly id: string;
  text: string;
}

/** What `toTask()` includes. */
export interface TaskShape {
  /** `undefined`: all; 0: none; n: the last n messages. */
  historyLength?: number;
  /** Default true. */
  includeArtifacts?: boolean;
}

/**
 * A task as a view of a run's canonical events: `run_started` → SUBMITTED, any work → WORKING,
 * `run_completed` → COMPLETED, `run_error` → CANCELED (code `cancelled`) or FAILED. Each text
 * message becomes an artifact (id = the run's message id) streamed in chunks; tool calls and
 * results become WORKING status updates whose message holds a data part. Fold the events up to
 * now to answer GetTask; pass a sink to turn live events into stream updates.
 */
export class TaskProjection {
  state: TaskState = 'TASK_STATE_SUBMITTED';
  /** ms since the epoch of the last event (the status timestamp: the task's last update). */
  updatedAt: number;
  statusMessage: Message | undefined;
  private readonly artifacts: TextArtifact[] = [];
  private open: TextArtifact | undefined;

  private constructor(
    readonly taskId: string,
    readonly contextId: string,
    readonly agentName: string,
    readonly principalId: string | undefined,
    readonly history: readonly Message[],
    startedAt: number,
  ) {
    this.updatedAt = startedAt;
  }

  /** A projection from a run's first record, or `undefined` when it is not a `run_started`. */
  static start(record: RunEventRecord): TaskProjection | undefined {
    const event = record.event;
    if (event?.type !== 'run_started') return undefined;
    const history = userMessages(event.input as unknown as RunInput, event.run_id, event.thread_id);
    return new TaskProjection(event.run_id, event.thread_id, event.agent_name, event.principal_id, history, record.timestamp);
  }

  get terminal(): boolean {
    return this.state === 'TASK_STATE_COMPLETED' || this.state === 'TASK_STATE_FAILED' || this.state === 'TASK_STATE_CANCELED';
  }

  apply(record: RunEventRecord, sink?: ProjectionSink): void {
    const event: RunEvent = record.event;
    this.updatedAt = record.timestamp;
    switch (event.type) {
      case 'text_delta': {
        this.working(sink);
        this.statusMessage = undefined;
        if (this.open?.id !== event.message_id) {
          this.close(sink);
          const known = this.artifacts.find((a) => a.id === event.message_id);
          this.open = known ?? { id: event.message_id, text: '' };
          if (!known) this.artifacts.push(this.open);
          sink?.chunk(this.open.id, event.delta, known !== undefined, false);
        } else {
          sink?.chunk(this.open.id, event.delta, true, false);
        }
        this.open.text += event.delta;
        return;
      }
      case 'tool_call':
      case 'tool_result': {
        this.close(sink);
        const data = event.type === 'tool_call'
          ? { type: 'tool_call', toolCallId: event.tool_call_id, name: event.name, arguments: event.arguments }
          : { type: 'tool_result', toolCallId: event.tool_call_id, name: event.name, result: event.result };
        this.setStatus('TASK_STATE_WORKING', this.agentMessage(record.offset, { data, mediaType: 'application/json' }), sink);
        return;
      }
      case 'state':
        this.working(sink);
        return;
      case 'run_completed':
        this.close(sink);
        this.setStatus('TASK_STATE_COMPLETED', undefined, sink);
        return;
      case 'run_error':
        this.close(sink);
        this.setStatus(event.error.code === 'cancelled' ? 'TASK_STATE_CANCELED' : 'TASK_STATE_FAILED',
          this.agentMessage(record.offset, { text: event.error.message }), sink);
        return;
      default:
        return;
    }
  }

  toTask(shape: TaskShape = {}): Task {
    const task: Task = { id: this.taskId, contextId: this.contextId, status: this.status() };
    const includeArtifacts = shape.includeArtifacts ?? true;
    if (includeArtifacts && (this.artifacts.length > 0 || shape.includeArtifacts === true)) {
      task.artifacts = this.artifacts.map((a): Artifact => ({ artifactId: a.id, name: ARTIFACT_NAME, parts: [{ text: a.text }] }));
    }
    const { historyLength } = shape;
    if (historyLength !== 0 && this.history.length > 0) {
      task.history = historyLength === undefined ? [...this.history] : this.history.slice(-historyLength);
    }
    return task;
  }

  status(): Task['status'] {
    const status: Task['status'] = { state: this.state, timestamp: new Date(this.updatedAt).toISOString() };
    if (this.statusMessage) status.message = this.statusMessage;
    return status;
  }

  private working(sink: ProjectionSink | undefined): void {
    if (this.state === 'TASK_STATE_SUBMITTED') this.setStatus('TASK_STATE_WORKING', undefined, sink);
  }

  private setStatus(state: TaskState, message: Message | undefined, sink: ProjectionSink | undefined): void {
    this.state = state;
    this.statusMessage = message;
    sink?.status({ taskId: this.taskId, contextId: this.contextId, status: this.status() });
  }

  /** Ends the open artifact: its last chunk (an empty text part) says `lastChunk`. */
  private close(sink: ProjectionSink | undefined): void {
    if (!this.open) return;
    sink?.chunk(this.open.id, '', true, true);
    this.open = undefined;
  }

  private agentMessage(offset: string, part: Message['parts'][number]): Message {
    return { messageId: `${this.taskId}-${offset}`, role: 'ROLE_AGENT', parts: [part], taskId: this.taskId, contextId: this.contextId };
  }
}

function userMessages(input: RunInput | undefined, taskId: string, contextId: string): Message[] {
  const messages = Array.isArray(input?.messages) ? input.messages : [];
  const first = input?.metadata?.[MESSAGE_ID_KEY];
  const out: Message[] = [];
  messages.forEach((m, i) => {
    if (m.role !== 'user') return;
    const messageId = out.length === 0 && typeof first === 'string' ? first : `${taskId}-user-${i}`;
    out.push({ messageId, role: 'ROLE_USER', parts: [{ text: m.content }], taskId, contextId });
  });
  return out;
}
