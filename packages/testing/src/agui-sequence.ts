import { AssertionError } from 'node:assert';

/** What `assertAguiSequence()` requires beyond what the official 1.0 client accepts. */
export interface AguiSequenceOptions {
  /**
   * Require the sequence to end with its run's one terminal event (`RUN_FINISHED` or `RUN_ERROR`).
   * The official client does not complain about a stream that just stops, so a test must. Default true.
   */
  terminal?: boolean;
  /**
   * Also hold to what 0.0.x clients (still common, e.g. through CopilotKit) accept: no empty text
   * deltas, string tool results, no `SUBAGENT_*` events, no unknown types. Default false.
   */
  legacy?: boolean;
}

type Kind = 'string' | 'array' | 'object' | 'present';
const S = 'string' as const;

/** Required fields of each AG-UI 1.0 type, as the client's schemas check them. */
const REQUIRED: Readonly<Record<string, Readonly<Record<string, Kind>>>> = {
  RUN_STARTED: { threadId: S, runId: S }, RUN_FINISHED: { threadId: S, runId: S }, RUN_ERROR: { message: S },
  STEP_STARTED: { stepName: S }, STEP_FINISHED: { stepName: S },
  TEXT_MESSAGE_START: { messageId: S }, TEXT_MESSAGE_CONTENT: { messageId: S, delta: S }, TEXT_MESSAGE_END: { messageId: S },
  TEXT_MESSAGE_CHUNK: {}, TOOL_CALL_CHUNK: {}, REASONING_MESSAGE_CHUNK: {},
  TOOL_CALL_START: { toolCallId: S, toolCallName: S }, TOOL_CALL_ARGS: { toolCallId: S, delta: S }, TOOL_CALL_END: { toolCallId: S },
  TOOL_CALL_RESULT: { messageId: S, toolCallId: S, content: 'present' },
  STATE_SNAPSHOT: { snapshot: 'present' }, STATE_DELTA: { delta: 'array' }, MESSAGES_SNAPSHOT: { messages: 'array' },
  ACTIVITY_SNAPSHOT: { messageId: S, activityType: S, content: 'object' }, ACTIVITY_DELTA: { messageId: S, activityType: S, patch: 'array' },
  RAW: { event: 'present' }, CUSTOM: { name: S, value: 'present' },
  REASONING_START: { messageId: S }, REASONING_END: { messageId: S }, REASONING_MESSAGE_START: { messageId: S, role: S },
  REASONING_MESSAGE_CONTENT: { messageId: S, delta: S }, REASONING_MESSAGE_END: { messageId: S },
  REASONING_ENCRYPTED_VALUE: { subtype: S, entityId: S, encryptedValue: S },
  SUBAGENT_STARTED: { subagentRunId: S, name: S }, SUBAGENT_FINISHED: { subagentRunId: S }, SUBAGENT_ERROR: { subagentRunId: S, message: S },
  THINKING_START: {}, THINKING_END: {}, THINKING_TEXT_MESSAGE_START: {}, THINKING_TEXT_MESSAGE_CONTENT: {}, THINKING_TEXT_MESSAGE_END: {},
};

/** Open/close pairs the client tracks: [opening type, closing type, what stays open, id field]. */
const PAIRS: readonly (readonly [string, string, string, string])[] = [
  ['TEXT_MESSAGE_START', 'TEXT_MESSAGE_END', 'text message', 'messageId'],
  ['TOOL_CALL_START', 'TOOL_CALL_END', 'tool call', 'toolCallId'],
  ['STEP_STARTED', 'STEP_FINISHED', 'step', 'stepName'],
  ['REASONING_START', 'REASONING_END', 'reasoning span', 'messageId'],
  ['REASONING_MESSAGE_START', 'REASONING_MESSAGE_END', 'reasoning message', 'messageId'],
  ['SUBAGENT_STARTED', 'SUBAGENT_FINISHED', 'subagent', 'subagentRunId'],
];
const MIDDLES: Readonly<Record<string, string>> = {
  TEXT_MESSAGE_CONTENT: 'TEXT_MESSAGE_START', TOOL_CALL_ARGS: 'TOOL_CALL_START', REASONING_MESSAGE_CONTENT: 'REASONING_MESSAGE_START',
  SUBAGENT_ERROR: 'SUBAGENT_STARTED',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fits(value: unknown, kind: Kind): boolean {
  if (kind === 'present') return value !== undefined;
  if (kind === 'array') return Array.isArray(value);
  if (kind === 'object') return isObject(value);
  return typeof value === 'string';
}

/**
 * Asserts that a list of AG-UI events (parsed `data:` payloads, e.g. `sseJson(res.text)`) is one
 * the official `@ag-ui/client` 1.0 accepts on its `runAgent` path: each event has its required
 * fields (and no `null` where the client rejects one); the first is `RUN_STARTED` or `RUN_ERROR`;
 * nothing follows `RUN_ERROR` and only a new run follows `RUN_FINISHED`; text messages, tool calls,
 * steps, reasoning and subagents open before they continue or close, never twice, and are all
 * closed by `RUN_FINISHED`. `*_CHUNK` events are accepted (the client expands them) without pairing
 * checks. Throws an `AssertionError` naming the first offending event.
 */
export function assertAguiSequence(events: readonly unknown[], options: AguiSequenceOptions = {}): void {
  const { terminal = true, legacy = false } = options;
  const open = new Map<string, Set<string>>(PAIRS.map(([start]) => [start, new Set<string>()]));
  let started = false;
  let finished = false;
  let errored = false;
  events.forEach((event, i) => {
    const fail = (why: string): never => {
      const type = isObject(event) && typeof event.type === 'string' ? ` (${event.type})` : '';
      throw new AssertionError({ message: `AG-UI event #${i}${type}: ${why}`, actual: event, operator: 'assertAguiSequence' });
    };
    if (!isObject(event) || typeof event.type !== 'string' || event.type === '') return fail('not an object with a non-empty string "type"');
    const { type } = event;
    const required = REQUIRED[type];
    if (!required) {
      if (legacy) fail('an unknown type (0.0.x clients throw; 1.0 drops it with a warning)');
      return;
    }
    for (const [field, kind] of Object.entries(required)) if (!fits(event[field], kind)) fail(`"${field}" must be ${kind === 'present' ? 'present' : `a ${kind}`}`);
    if ('metadata' in event && !isObject(event.metadata)) fail('"metadata" must be an object (omit it rather than send null)');
    if (event.subagentRunId === null) fail('"subagentRunId" must not be null (omit it)');
    if (event.timestamp !== undefined && typeof event.timestamp !== 'number') fail('"timestamp" must be a number');
    if (legacy && type.startsWith('SUBAGENT_')) fail('SUBAGENT_* events are 1.0 only');
    if (legacy && type === 'TEXT_MESSAGE_CONTENT' && event.delta === '') fail('an empty delta (0.0.x clients reject it)');
    if (legacy && type === 'TOOL_CALL_RESULT' && typeof event.content !== 'string') fail('"content" must be a string for 0.0.x clients');

    if (errored && type !== 'RUN_STARTED') fail('nothing may follow RUN_ERROR');
    if (finished && type !== 'RUN_STARTED' && !(type === 'RUN_ERROR' && !terminal)) fail('only a new RUN_STARTED may follow RUN_FINISHED');
    if (!started && type !== 'RUN_STARTED' && type !== 'RUN_ERROR') fail("the first event must be 'RUN_STARTED' (or 'RUN_ERROR')");
    if (type === 'RUN_STARTED') {
      if (started && !finished && !errored) fail('RUN_STARTED while a run is still active');
      started = true;
      finished = errored = false;
      for (const ids of open.values()) ids.clear();
      return;
    }
    started = true;
    if (type === 'RUN_ERROR') errored = true;
    if (type === 'RUN_FINISHED') {
      for (const [start, , what] of PAIRS) {
        const ids = open.get(start)!;
        if (ids.size > 0) fail(`RUN_FINISHED while ${what}(s) still open: ${[...ids].join(', ')}`);
      }
      finished = true;
    }
    for (const [start, end, what, idField] of PAIRS) {
      const id = event[idField] as string;
      if (type === start) {
        if (open.get(start)!.has(id)) fail(`${what} "${id}" is already open`);
        open.get(start)!.add(id);
      } else if (type === end || MIDDLES[type] === start) {
        if (!open.get(start)!.has(id)) fail(`no open ${what} "${id}"`);
        if (type === end || type === 'SUBAGENT_ERROR') open.get(start)!.delete(id);
      }
    }
  });
  if (terminal && !finished && !errored) {
    throw new AssertionError({ message: `AG-UI sequence of ${events.length} event(s) does not end with RUN_FINISHED or RUN_ERROR`, operator: 'assertAguiSequence' });
  }
}
