import { randomUUID } from 'node:crypto';
import type { Agent } from '../agent';
import { defineAgent } from '../define-agent';
import { wordPieces } from './words';

export interface ClockAgentOptions {
  /** Default `clock`. */
  name?: string;
  /** The clock the tool reads. Default `() => new Date()`. */
  now?: () => Date;
}

/** Calls its tool `get_time`, then answers with a sentence that contains the tool's result. */
export function clockAgent(options: ClockAgentOptions = {}): Agent {
  const { name = 'clock', now = () => new Date() } = options;
  return defineAgent({
    name,
    description: 'Tells the time: calls its get_time tool, then answers with the time it returned.',
    skills: [{ id: 'time', name: 'Current time', description: 'Tells the current UTC time.', tags: ['demo', 'tools'], examples: ['What time is it?'] }],
    async *run() {
      const id = `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
      yield { type: 'tool_call', id, name: 'get_time', arguments: { timezone: 'UTC' } };
      const time = now().toISOString();
      yield { type: 'tool_result', toolCallId: id, name: 'get_time', result: time };
      yield* wordPieces(`The time is ${time}.`);
    },
  });
}
