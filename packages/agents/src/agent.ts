import type { JsonPatchOperation, JsonValue } from './run-event';

/** A message of the conversation given to an agent; protocols map their own messages to this. */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  /** The message's text (protocols flatten text parts into it). */
  content: string;
  name?: string;
  /** Assistant messages: the tool calls it made. */
  toolCalls?: ToolCall[];
  /** Tool messages: the call this answers. */
  toolCallId?: string;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as JSON text. */
  arguments: string;
}

/** A tool the caller offers the agent (an OpenAI `tools` entry, an AG-UI frontend tool). */
export interface ToolSpec {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: JsonValue;
}

export interface RunInput {
  messages: ChatMessage[];
  tools?: ToolSpec[];
  toolChoice?: 'auto' | 'none' | 'required' | { name: string };
  /** Shared state (AG-UI). */
  state?: JsonValue;
  context?: { description: string; value: string }[];
  /** Upper bound on the answer's length the caller asked for (a hint). */
  maxTokens?: number;
  metadata?: Record<string, string>;
  forwardedProps?: JsonValue;
}

/** Who is calling, as an auth middleware established it (`req.user`); never holds a credential. */
export type PrincipalLike = Readonly<{ id: string } & Record<string, unknown>>;

export interface RunContext {
  readonly runId: string;
  readonly threadId: string;
  readonly agentName: string;
  /** Aborted when the run is cancelled, times out, or its caller leaves (where the protocol says so). */
  readonly signal: AbortSignal;
  readonly principal: PrincipalLike | undefined;
}

/** What an agent yields: text pieces (plain strings or `text`), tool calls and results, state, usage. */
export type AgentOutput =
  | string
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_result'; toolCallId?: string; name?: string; result: unknown }
  | { type: 'state'; snapshot: JsonValue }
  | { type: 'state'; delta: JsonPatchOperation[] }
  | { type: 'usage'; promptTokens: number; completionTokens: number }
  | { type: 'finish'; reason: 'stop' | 'length' };

export type AgentResult = string | void | AsyncIterable<AgentOutput> | Iterable<AgentOutput>;

export interface AgentSkill {
  id: string;
  name: string;
  description: string;
  tags: string[];
  examples?: string[];
}

export interface Agent {
  /** Its OpenAI model id, A2A card name, AG-UI agent and URL segment: letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  readonly description?: string;
  readonly skills?: readonly AgentSkill[];
  /** Returns the answer as a string, or yields it in pieces with events (an async generator). */
  run(input: RunInput, ctx: RunContext): AgentResult | Promise<AgentResult>;
}
