import { setTimeout as sleep } from 'node:timers/promises';
import { defineAgent, type Agent, type AgentOutput, type AgentSkill } from '@agentway/agents';
import { checkOptions, satisfies, string } from '@agentway/options';
import { invalidArgument } from './testing-error';

/**
 * One step of a scripted agent: what it yields (a text piece, or a `text`, `tool_call`,
 * `tool_result`, `state`, `usage` or `finish` event), a pause, or a failure.
 */
export type ScriptStep =
  | AgentOutput
  | { type: 'delay'; ms: number }
  | { type: 'fail'; message: string; code?: string };

/** What else the agent says about itself (its A2A card, its OpenAI model entry). */
export interface ScriptedAgentOptions {
  description?: string;
  skills?: AgentSkill[];
}

const OUTPUTS = new Set(['text', 'tool_call', 'tool_result', 'state', 'usage', 'finish']);
const optionsSchema = {
  description: string(),
  skills: satisfies<AgentSkill[]>('an array of skills ({ id, name, description, tags })', Array.isArray),
};

/**
 * A deterministic agent for tests: each run yields the given text pieces and events in order,
 * pauses where told — a `delay` ends early, rejecting with an `AbortError`, when the run's signal
 * aborts (the client left, the run was cancelled or timed out) — and throws where told, with the
 * given `code` (the run then ends with `run_error { code, message }`). So an app and its clients can
 * be tested without a model. Steps are checked now: a malformed one is a `TypeError`
 * `ERR_TESTING_INVALID_ARGUMENT` naming it.
 *
 * ```ts
 * scriptedAgent('weather', [
 *   { type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } },
 *   { type: 'tool_result', toolCallId: 'c1', result: { tempC: 21 } },
 *   { type: 'delay', ms: 50 },
 *   'It is ', '21°C.',
 * ]);
 * ```
 */
export function scriptedAgent(name: string, steps: readonly ScriptStep[], options: ScriptedAgentOptions = {}): Agent {
  if (!Array.isArray(steps)) throw invalidArgument(`scriptedAgent(${JSON.stringify(name)}) takes an array of steps, got ${typeof steps}`);
  steps.forEach((step, i) => checkStep(name, step, i));
  const { description, skills } = checkOptions('testing', options, optionsSchema);
  const script = [...steps];
  return defineAgent({
    name,
    ...(description !== undefined && { description }),
    ...(skills !== undefined && { skills }),
    async *run(_input, ctx) {
      for (const step of script) {
        if (typeof step === 'object' && step.type === 'delay') {
          await sleep(step.ms, undefined, { signal: ctx.signal });
        } else if (typeof step === 'object' && step.type === 'fail') {
          throw Object.assign(new Error(step.message), step.code === undefined ? {} : { code: step.code });
        } else {
          yield step;
        }
      }
    },
  });
}

function checkStep(agent: string, step: unknown, index: number): void {
  const fail = (why: string) => invalidArgument(`scriptedAgent(${JSON.stringify(agent)}) step #${index} ${why}`);
  if (typeof step === 'string') return;
  if (typeof step !== 'object' || step === null || typeof (step as { type?: unknown }).type !== 'string') {
    throw fail('must be a text piece (a string) or an object with a "type"');
  }
  const { type, ms, message, code } = step as { type: string; ms?: unknown; message?: unknown; code?: unknown };
  if (type === 'delay') {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw fail('(delay) needs "ms", a finite number >= 0');
  } else if (type === 'fail') {
    if (typeof message !== 'string') throw fail('(fail) needs a string "message"');
    if (code !== undefined && typeof code !== 'string') throw fail('(fail) takes "code" as a string');
  } else if (!OUTPUTS.has(type)) {
    throw fail(`has type ${JSON.stringify(type)}; expected one of text, tool_call, tool_result, state, usage, finish, delay, fail`);
  }
}
