import assert from 'node:assert/strict';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { eventually } from '@agentway/broker/conformance';
import { createRuntime, echoAgent, type Runtime } from '@agentway/agents';
import { openaiCompat } from '@agentway/openai-compat';
import { forEachExpress } from '@agentway/test-harness';
import { serve, type Served } from './helpers';

forEachExpress('openaiCompat() and the runs it answered', (express) => {
  let served: Served;
  let broker: Broker;
  let runtime: Runtime;

  beforeEach(() => {
    broker = createMemoryBroker();
    runtime = createRuntime({ broker, agents: [echoAgent()] });
  });

  afterEach(async () => {
    await served?.close();
    await runtime.close();
    await broker.close();
  });

  /** The run topic of an OpenAI id (`chatcmpl-<uuid>`, `resp_<uuid>`). */
  const topicOf = (id: string) => `runs.run_${id.replace(/^(chatcmpl-|resp_)/, '')}`;

  const gone = (topic: string) => eventually(async () => (await broker.describe(topic)) === undefined, 500);

  const messages = [{ role: 'user' as const, content: 'keep me' }];

  it('should drop a run\'s events from the broker once its completion was answered, JSON or streamed', async () => {
    served = await serve(express, { runtime });
    const completion = await served.client.chat.completions.create({ model: 'echo', messages });
    assert.equal(completion.choices[0]!.message.content, 'keep me');
    await gone(topicOf(completion.id));

    let streamedId = '';
    for await (const chunk of await served.client.chat.completions.create({ model: 'echo', messages, stream: true })) streamedId = chunk.id;
    await gone(topicOf(streamedId));

    const response = await served.client.responses.create({ model: 'echo', input: 'keep me' });
    assert.equal(response.output_text, 'keep me');
    await gone(topicOf(response.id));
  });

  it('should keep them for the runtime\'s finishedRunTtl with keepFinishedRuns: true, for other views to read', async () => {
    served = await serve(express, { runtime, keepFinishedRuns: true });
    const completion = await served.client.chat.completions.create({ model: 'echo', messages });
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(await broker.describe(topicOf(completion.id)), 'the run is still on the broker');
    const events = [];
    for await (const { event } of runtime.events(`run_${completion.id.slice('chatcmpl-'.length)}`)) events.push(event.type);
    assert.deepEqual(events, ['run_started', 'text_delta', 'text_delta', 'run_completed']);
  });

  it('should refuse a keepFinishedRuns that is not a boolean', () => {
    assert.throws(() => openaiCompat({ runtime, keepFinishedRuns: 'yes' as never }), {
      code: 'ERR_OPENAI_COMPAT_INVALID_OPTION',
      message: '[@agentway/openai-compat] option "keepFinishedRuns" must be a boolean, got "yes"',
    });
  });
});
