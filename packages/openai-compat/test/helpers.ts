import type { Express } from 'express';
import OpenAI from 'openai';
import { defineAgent, type Agent, type RunContext, type RunInput } from '@agentway/agents';
import { listen, type Listening } from '@agentway/testing';
import type { ExpressModule } from '@agentway/test-harness';
import { openaiCompat, type OpenAICompatOptions, type OpenAICompatRouter } from '@agentway/openai-compat';

/** A promise and the function that resolves it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

/** Resolves when the signal aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** What an agent was called with, run after run. */
export interface Calls {
  inputs: RunInput[];
  contexts: RunContext[];
}

/** An agent that records its inputs and answers with `answer(input)` (default: "ok"). */
export function spyAgent(name: string, answer: (input: RunInput) => string = () => 'ok'): Agent & { calls: Calls } {
  const calls: Calls = { inputs: [], contexts: [] };
  return defineAgent({
    name,
    calls,
    run(input: RunInput, ctx: RunContext) {
      calls.inputs.push(input);
      calls.contexts.push(ctx);
      return answer(input);
    },
  });
}

/**
 * Asks for the weather with a client tool `get_weather` when the client declared it and no tool
 * result came back yet; once the client sends the result, answers with it.
 */
export function weatherAgent(): Agent {
  return defineAgent({
    name: 'weather',
    async *run(input) {
      const last = input.messages.at(-1)!;
      if (last.role === 'tool') {
        yield 'It is ';
        yield `${JSON.parse(last.content).tempC}°C in Paris.`;
        return;
      }
      if (input.tools?.some((t) => t.name === 'get_weather')) {
        yield { type: 'tool_call', id: 'call_weather_1', name: 'get_weather', arguments: { city: 'Paris' } };
        return;
      }
      yield 'I cannot look the weather up.';
    },
  });
}

/** An Express app with `openaiCompat(options)` on a loopback port, and an SDK client for it. */
export interface Served {
  app: Express;
  router: OpenAICompatRouter;
  server: Listening;
  client: OpenAI;
  close(): Promise<void>;
}

export async function serve(express: ExpressModule, options: OpenAICompatOptions, setup?: (app: Express) => void): Promise<Served> {
  const app = express();
  setup?.(app);
  const router = openaiCompat(options);
  app.use(router);
  const server = await listen(app);
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  return {
    app, router, server, client,
    async close() {
      await server.close();
      await router.close();
    },
  };
}

/** Replaces the per-request parts of a stream (ids, timestamps) so that its bytes can be compared exactly. */
export function normalise(text: string): string {
  return text
    .replace(/"id":"chatcmpl-[0-9a-f-]{36}"/g, '"id":"chatcmpl-ID"')
    .replace(/"created":\d+/g, '"created":0');
}
