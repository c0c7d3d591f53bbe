import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from '../agent';
import { defineAgent } from '../define-agent';
import { lastUserText } from '../run-input';
import { wordPieces } from './words';

export interface EchoAgentOptions {
  /** Default `echo`. */
  name?: string;
  /** Pause between pieces, in ms (to watch a stream arrive). Default 0. */
  delay?: number;
}

/** Answers with exactly the text of the last user message, streamed in word-sized pieces. */
export function echoAgent(options: EchoAgentOptions = {}): Agent {
  const { name = 'echo', delay = 0 } = options;
  return defineAgent({
    name,
    description: 'Answers with exactly the text of the last user message, streamed word by word.',
    skills: [{ id: 'echo', name: 'Echo', description: 'Repeats the last user message.', tags: ['demo', 'echo'], examples: ['hello world'] }],
    async *run(input, ctx) {
      for (const piece of wordPieces(lastUserText(input))) {
        if (delay > 0) await sleep(delay, undefined, { signal: ctx.signal });
        yield piece;
      }
    },
  });
}
