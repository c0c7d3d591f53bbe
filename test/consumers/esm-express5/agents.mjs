import { defineAgent } from '@agentway/agents';

/** The agents module the gateway config names: an ES module, loaded by the gateway with import(). */
export const agents = [
  defineAgent({
    name: 'shout',
    description: 'Says the last user message back in capitals, word by word.',
    async *run(input) {
      for (const word of input.messages.at(-1).content.toUpperCase().match(/\s*\S+/g)) yield word;
    },
  }),
];
