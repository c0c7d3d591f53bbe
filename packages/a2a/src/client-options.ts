import { anyOf, arrayOf, checkOptions, func, number, oneOf, recordOf, required, satisfies, string, type Check } from '@agentway/options';
import type { Part } from './a2a-types';
import { PROTOCOL_VERSIONS, type ProtocolVersion } from './protocol-version';

/** Headers, or a function of the URL that returns them. */
export type HeaderSource = Record<string, string> | ((url: string) => Record<string, string> | Promise<Record<string, string>>);

/** The options of `new A2AClient()`. */
export interface A2AClientOptions {
  /** An agentway gateway: agent names resolve to `<gatewayUrl>/a2a/<name>/`. */
  gatewayUrl?: string;
  /** Headers for every request (`Authorization`…), or a function of the URL that returns them. */
  headers?: HeaderSource;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** The wire versions the client may use, preferred first. Default `['1.0', '0.3']`. */
  versions?: ProtocolVersion[];
  /** How long a fetched card is reused, in ms. Default 300 000. */
  cardTtl?: number;
  /** ms between GetTask polls when a server answers before its task ended (and cannot stream). Default 1000. */
  pollInterval?: number;
  /** Largest server-sent event accepted, in characters. Default 4 MiB. */
  maxEventSize?: number;
}

/** What `delegate()` and `delegateStream()` send, and to whom. */
export interface DelegateOptions {
  /** An agent name (with `gatewayUrl`), an agent's base URL, or its card's URL (ending in `.json`). */
  targetAgent: string;
  /** What to ask: text, or A2A parts. */
  task: string | Part[];
  /** Continue in this context (a previous result's `contextId`). */
  contextId?: string;
  /** Aborting it stops waiting, and cancels the remote task (CancelTask) when it has started. */
  signal?: AbortSignal;
}

/** A call about one task of an agent (GetTask, CancelTask, SubscribeToTask). */
export interface TaskCallOptions {
  targetAgent: string;
  taskId: string;
  historyLength?: number;
  signal?: AbortSignal;
}

const url = satisfies<string>('an http(s) URL', (v) => typeof v === 'string' && /^https?:\/\//i.test(v) && URL.canParse(v));
const signal = satisfies<AbortSignal>('an AbortSignal', (v) => v instanceof AbortSignal);
const target = string({ nonEmpty: true });

/** Checks `new A2AClient()`'s options (once, at construction). */
export function checkClientOptions(options: Readonly<A2AClientOptions>) {
  return checkOptions('a2a', options, {
    gatewayUrl: url,
    headers: anyOf<[Record<string, string>, (u: string) => Record<string, string>]>('an object of header values or a function', recordOf(string()), func()),
    fetch: func<typeof fetch>(),
    versions: arrayOf(oneOf(...PROTOCOL_VERSIONS), { nonEmpty: true }) as Check<ProtocolVersion[]>,
    cardTtl: number({ min: 0 }),
    pollInterval: number({ min: 0 }),
    maxEventSize: number({ min: 1, integer: true }),
  });
}

/** Checks a delegation's options. */
export function checkDelegate(options: DelegateOptions): DelegateOptions {
  return checkOptions('a2a', options, {
    targetAgent: required(target),
    task: required(anyOf<[string, Part[]]>('text, or an array of A2A parts', string({ nonEmpty: true }), arrayOf(satisfies<Part>('a part', (p) => typeof p === 'object' && p !== null), { nonEmpty: true }))),
    contextId: string({ nonEmpty: true }),
    signal,
  }) as DelegateOptions;
}

/** Checks the options of a call about one task. */
export function checkTaskCall(options: TaskCallOptions): TaskCallOptions {
  return checkOptions('a2a', options, { targetAgent: required(target), taskId: required(string({ nonEmpty: true })), historyLength: number({ min: 0, integer: true }), signal }) as TaskCallOptions;
}
