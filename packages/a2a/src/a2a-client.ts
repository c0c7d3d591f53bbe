import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { A2AClientError } from './a2a-client-error';
import { TERMINAL_STATES, type AgentCard, type Message, type StreamResponse, type Task } from './a2a-types';
import { fetchCard, pickTransport, type ResolvedAgent } from './card-resolver';
import { checkClientOptions, checkDelegate, checkTaskCall, type A2AClientOptions, type DelegateOptions, type TaskCallOptions } from './client-options';
import { PROTOCOL_VERSIONS, type ProtocolVersion } from './protocol-version';
import type { TransportContext } from './rpc-transport';
import { TaskAccumulator, textOf, type DelegateResult } from './task-result';

/**
 * Talks A2A to other agents — agentway's or any server built with `@a2a-js/sdk` — over JSON-RPC
 * 1.0 or 0.3: discovers an agent's card, picks an interface it speaks, sends, and returns the
 * result; `delegateStream()` yields the stream's frames as they come.
 *
 * ```ts
 * const a2a = new A2AClient({ gatewayUrl: 'http://localhost:8080' });
 * const { text } = await a2a.delegate({ targetAgent: 'researcher', task: 'Find three sources on A2A' });
 * ```
 */
export class A2AClient {
  private readonly gatewayUrl: string | undefined;
  private readonly versions: readonly ProtocolVersion[];
  private readonly cardTtl: number;
  private readonly pollInterval: number;
  private readonly context: TransportContext;
  private readonly agents = new Map<string, { expires: number; agent: Promise<ResolvedAgent> }>();

  constructor(options: Readonly<A2AClientOptions> = {}) {
    const config = checkClientOptions(options);
    this.gatewayUrl = config.gatewayUrl?.replace(/\/+$/, '');
    this.versions = config.versions ?? PROTOCOL_VERSIONS;
    this.cardTtl = config.cardTtl ?? 300_000;
    this.pollInterval = config.pollInterval ?? 1000;
    const headers = config.headers;
    this.context = {
      fetch: config.fetch ?? ((input, init) => fetch(input, init)),
      headers: async (u) => (typeof headers === 'function' ? { ...(await headers(u)) } : { ...headers }),
      maxEventSize: config.maxEventSize ?? 4 * 1024 * 1024,
    };
  }

  /** The agent's card (fetched once per `cardTtl`). */
  async getCard(targetAgent: string, options: { signal?: AbortSignal } = {}): Promise<AgentCard> {
    return (await this.resolve(targetAgent, options.signal)).card;
  }

  /** Sends `task` to the agent and waits for the result; throws `ERR_A2A_TASK_FAILED` when it fails, is canceled or rejected. */
  async delegate(options: DelegateOptions): Promise<DelegateResult> {
    const accumulator = new TaskAccumulator();
    const agent = await this.resolve(checkDelegate(options).targetAgent, options.signal);
    for await (const event of this.send(agent, options)) accumulator.apply(event);
    while (accumulator.task && !accumulator.final) {
      const { id } = accumulator.task;
      try {
        await sleep(this.pollInterval, undefined, { signal: options.signal });
        accumulator.apply({ task: await agent.transport.call('GetTask', { id }, options.signal) as Task });
      } catch (err) {
        await this.cancelIfAborted(agent, id, options.signal);
        throw err;
      }
    }
    const result = accumulator.result();
    if (result.task && (result.state === 'TASK_STATE_FAILED' || result.state === 'TASK_STATE_CANCELED' || result.state === 'TASK_STATE_REJECTED')) {
      const why = textOf(result.task.status.message?.parts ?? []);
      throw new A2AClientError('ERR_A2A_TASK_FAILED', `task ${result.taskId} of agent "${agent.card.name}" ended ${result.state}${why ? `: ${why}` : ''}`, { task: result.task });
    }
    return result;
  }

  /**
   * Sends `task` and yields the stream's frames (1.0 StreamResponses) until the task ends. When
   * `signal` aborts, the remote task is canceled (CancelTask) before the error is thrown.
   */
  async *delegateStream(options: DelegateOptions): AsyncGenerator<StreamResponse> {
    yield* this.send(await this.resolve(checkDelegate(options).targetAgent, options.signal), options);
  }

  /** GetTask on the agent. */
  async getTask(options: TaskCallOptions): Promise<Task> {
    const agent = await this.resolve(checkTaskCall(options).targetAgent, options.signal);
    const params = { id: options.taskId, ...(options.historyLength !== undefined && { historyLength: options.historyLength }) };
    return await agent.transport.call('GetTask', params, options.signal) as Task;
  }

  /** CancelTask on the agent: the task as canceled. */
  async cancelTask(options: TaskCallOptions): Promise<Task> {
    const agent = await this.resolve(checkTaskCall(options).targetAgent, options.signal);
    return await agent.transport.call('CancelTask', { id: options.taskId }, options.signal) as Task;
  }

  /** SubscribeToTask: the task as it stands, then its updates until it ends. */
  async *subscribe(options: TaskCallOptions): AsyncGenerator<StreamResponse> {
    const agent = await this.resolve(checkTaskCall(options).targetAgent, options.signal);
    yield* agent.transport.stream('SubscribeToTask', { id: options.taskId }, options.signal);
  }

  private async *send(agent: ResolvedAgent, options: DelegateOptions): AsyncGenerator<StreamResponse> {
    const message: Message = {
      messageId: randomUUID(), role: 'ROLE_USER',
      parts: typeof options.task === 'string' ? [{ text: options.task }] : options.task,
      ...(options.contextId !== undefined && { contextId: options.contextId }),
    };
    if (agent.card.capabilities?.streaming !== true) {
      yield await agent.transport.call('SendMessage', { message, configuration: { returnImmediately: false } }, options.signal) as StreamResponse;
      return;
    }
    let taskId: string | undefined;
    let ended = false;
    try {
      for await (const event of agent.transport.stream('SendStreamingMessage', { message, configuration: {} }, options.signal)) {
        taskId ??= event.task?.id ?? event.statusUpdate?.taskId ?? event.artifactUpdate?.taskId;
        const state = event.task?.status.state ?? event.statusUpdate?.status.state;
        if (state !== undefined) ended = TERMINAL_STATES.has(state);
        yield event;
      }
    } catch (err) {
      if (taskId !== undefined && !ended) await this.cancelIfAborted(agent, taskId, options.signal);
      throw err;
    }
  }

  /** When `signal` has aborted, cancels the remote task (best effort, 5 s at most). */
  private async cancelIfAborted(agent: ResolvedAgent, taskId: string, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) await agent.transport.call('CancelTask', { id: taskId }, AbortSignal.timeout(5000)).catch(() => undefined);
  }

  private resolve(targetAgent: string, abort?: AbortSignal): Promise<ResolvedAgent> {
    const now = Date.now();
    const cached = this.agents.get(targetAgent);
    if (cached && cached.expires > now) return cached.agent;
    const agent = (async () => {
      const { card, cardUrl } = await fetchCard(this.context, this.locate(targetAgent), abort);
      return { card, cardUrl, transport: pickTransport(card, cardUrl, this.versions, this.context) };
    })();
    this.agents.set(targetAgent, { expires: now + this.cardTtl, agent });
    agent.catch(() => this.agents.delete(targetAgent));
    return agent;
  }

  private locate(targetAgent: string): { base?: string; cardUrl?: string } {
    if (/^https?:\/\//i.test(targetAgent)) {
      const at = new URL(targetAgent);
      if (at.pathname.endsWith('.json')) return { cardUrl: at.href };
      if (!at.pathname.endsWith('/')) at.pathname += '/';
      return { base: at.href };
    }
    if (this.gatewayUrl === undefined) {
      throw Object.assign(new TypeError(`[@agentway/a2a] targetAgent "${targetAgent}" is a name, which needs the "gatewayUrl" option; or give the agent's URL`), { code: 'ERR_A2A_INVALID_OPTION' });
    }
    return { base: `${this.gatewayUrl}/a2a/${encodeURIComponent(targetAgent)}/` };
  }
}
