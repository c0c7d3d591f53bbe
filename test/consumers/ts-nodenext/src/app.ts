import express, { type Express } from 'express';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { createRuntime, defineAgent, echoAgent, type Agent, type Runtime } from '@agentway/agents';
import { apiKeyAuth } from '@agentway/auth';
import { openaiCompat, type OpenAICompatOptions } from '@agentway/openai-compat';
import { aguiStream, type AguiStreamOptions } from '@agentway/agui';
import { a2aCard, a2aServer, type A2ACardOptions } from '@agentway/a2a';

export interface ConsumerApp {
  readonly app: Express;
  readonly runtime: Runtime;
  close(): Promise<void>;
}

/** A typed agent, as a user defines one: answers with the length of the last user message. */
export const countAgent: Agent = defineAgent({
  name: 'count',
  description: 'Counts the characters of the last user message.',
  skills: [{ id: 'count', name: 'Count', description: 'Counts characters.', tags: ['demo'] }],
  run(input) {
    const last = input.messages.at(-1);
    return `${typeof last?.content === 'string' ? last.content.length : 0} characters`;
  },
});

/** One runtime, several views: the OpenAI API behind a key, AG-UI, A2A JSON-RPC for echo, and a card. */
export function createConsumerApp(apiKey: string, agents: readonly Agent[]): ConsumerApp {
  const broker: Broker = createMemoryBroker();
  const runtime = createRuntime({ broker, agents: [...agents, echoAgent(), countAgent] });
  const openai: OpenAICompatOptions = { runtime, auth: apiKeyAuth({ keys: [apiKey] }), heartbeat: 0 };
  const agui = { runtime, heartbeat: 0 } satisfies AguiStreamOptions;
  const card: A2ACardOptions = { agent: countAgent, url: 'https://agents.example.com/a2a/count/' };

  const app = express();
  app.use(openaiCompat(openai));
  app.use(aguiStream(agui));
  app.use('/a2a/echo', a2aServer({ runtime, agent: 'echo', heartbeat: 0 }));
  app.use('/a2a/count', a2aCard(card));
  return {
    app,
    runtime,
    async close() {
      await runtime.close();
      await broker.close();
    },
  };
}
