import assert from 'node:assert/strict';
import { HttpAgent } from '@ag-ui/client';
import { HttpAgent as LegacyHttpAgent } from 'ag-ui-client-0.0';
import { assertAguiSequence, listen, type Listening } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';

type Event = Record<string, unknown>;
const started = { type: 'RUN_STARTED', threadId: 't', runId: 'r' };
const finished = { type: 'RUN_FINISHED', threadId: 't', runId: 'r' };
const start = (messageId = 'm1') => ({ type: 'TEXT_MESSAGE_START', messageId, role: 'assistant' });
const content = (delta: unknown = 'hi', messageId = 'm1') => ({ type: 'TEXT_MESSAGE_CONTENT', messageId, delta });
const end = (messageId = 'm1') => ({ type: 'TEXT_MESSAGE_END', messageId });
const toolStart = { type: 'TOOL_CALL_START', toolCallId: 'c1', toolCallName: 'f' };
const toolEnd = { type: 'TOOL_CALL_END', toolCallId: 'c1' };

/**
 * Sequences the 1.0 client accepts, with the verdicts of 0.0.59 and of the helper's `legacy` mode
 * (which also refuses empty deltas: 0.0.x releases before ag-ui #1419 rejected them; 0.0.59 has the fix).
 */
const ACCEPTED: [string, Event[], { v0: boolean; legacy: boolean }][] = [
  ['a full run', [
    started, { type: 'STEP_STARTED', stepName: 's' }, start(), content(), end(), { ...toolStart, parentMessageId: 'm1' },
    { type: 'TOOL_CALL_ARGS', toolCallId: 'c1', delta: '{}' }, toolEnd,
    { type: 'TOOL_CALL_RESULT', messageId: 'r1', toolCallId: 'c1', role: 'tool', content: 'ok' },
    { type: 'STATE_SNAPSHOT', snapshot: { n: 1 } }, { type: 'STATE_DELTA', delta: [{ op: 'replace', path: '/n', value: 2 }] },
    { type: 'CUSTOM', name: 'x', value: 1 }, { type: 'RAW', event: { any: true } }, { type: 'STEP_FINISHED', stepName: 's' }, finished,
  ], { v0: true, legacy: true }],
  ['RUN_ERROR first', [{ type: 'RUN_ERROR', message: 'nope' }], { v0: true, legacy: true }],
  ['RUN_ERROR with a text message open', [started, start(), content(), { type: 'RUN_ERROR', message: 'boom', code: 'x' }], { v0: true, legacy: true }],
  ['two runs one after the other', [started, finished, started, start(), content(), end(), finished], { v0: true, legacy: true }],
  ['metadata on an event', [{ ...started, metadata: { agentName: 'a' } }, finished], { v0: true, legacy: true }],
  ['an empty delta', [started, start(), content(''), end(), finished], { v0: true, legacy: false }],
  ['an unknown event type', [started, { type: 'SOMETHING_NEW', x: 1 }, finished], { v0: false, legacy: false }],
];

/** Sequences the 1.0 client refuses (runAgent rejects). */
const REFUSED: [string, Event[]][] = [
  ['a text message before RUN_STARTED', [start(), content(), end(), finished]],
  ['RUN_FINISHED with a text message open', [started, start(), content(), finished]],
  ['RUN_FINISHED with a tool call open', [started, toolStart, finished]],
  ['RUN_FINISHED with a step open', [started, { type: 'STEP_STARTED', stepName: 's' }, finished]],
  ['an event after RUN_ERROR', [started, { type: 'RUN_ERROR', message: 'x' }, start()]],
  ['a text message after RUN_FINISHED', [started, finished, start(), end()]],
  ['content without a START', [started, content(), finished]],
  ['a message started twice', [started, start(), start(), end(), finished]],
  ['a content event without delta', [started, start(), { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1' }, end(), finished]],
  ['RUN_STARTED while a run is active', [started, started, finished]],
  ['STEP_FINISHED without STEP_STARTED', [started, { type: 'STEP_FINISHED', stepName: 's' }, finished]],
  ['TOOL_CALL_ARGS without a START', [started, { type: 'TOOL_CALL_ARGS', toolCallId: 'c1', delta: '{}' }, finished]],
  ['RUN_STARTED without threadId', [{ type: 'RUN_STARTED', runId: 'r' }, finished]],
  ['metadata: null', [{ ...started, metadata: null }, finished]],
];

forEachExpress('assertAguiSequence() against the official clients', (express) => {
  let server: Listening;
  const fixtures = new Map<string, Event[]>();

  before(async () => {
    const app = express();
    app.post('/replay/:name', (req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end(fixtures.get(String(req.params.name))!.map((e) => `data: ${JSON.stringify(e)}\n\n`).join(''));
    });
    server = await listen(app);
  });
  after(() => server.close());

  /** Whether `runAgent` of the given client resolves on the replayed sequence. */
  async function accepts(Agent: typeof HttpAgent | typeof LegacyHttpAgent, events: Event[]): Promise<boolean> {
    const name = `f${fixtures.size}`;
    fixtures.set(name, events);
    const agent = new Agent({ url: `${server.url}/replay/${name}` });
    const { error, warn, debug } = console;
    console.error = console.warn = console.debug = () => undefined;
    try {
      await agent.runAgent({});
      return true;
    } catch {
      return false;
    } finally {
      Object.assign(console, { error, warn, debug });
    }
  }

  const helperAccepts = (events: Event[], options: { legacy?: boolean; terminal?: boolean }) => {
    try {
      assertAguiSequence(events, options);
      return true;
    } catch (err) {
      if ((err as Error).name !== 'AssertionError') throw err;
      return false;
    }
  };

  for (const [title, events, { v0, legacy }] of ACCEPTED) {
    it(`should accept ${title}, as @ag-ui/client 1.0 does (and ${legacy ? 'accept' : 'refuse'} it in legacy mode)`, async () => {
      assert.equal(await accepts(HttpAgent, events), true);
      assert.equal(helperAccepts(events, {}), true);
      assert.equal(await accepts(LegacyHttpAgent, events), v0);
      assert.equal(helperAccepts(events, { legacy: true }), legacy);
    });
  }

  for (const [title, events] of REFUSED) {
    it(`should refuse ${title}, as @ag-ui/client 1.0 does`, async () => {
      assert.equal(await accepts(HttpAgent, events), false);
      assert.equal(helperAccepts(events, { terminal: false }), false);
    });
  }

  it('should refuse a sequence without a terminal event unless told not to, though the client accepts it', async () => {
    const events = [started, start(), content(), end()];
    assert.equal(await accepts(HttpAgent, events), true);
    assert.throws(() => assertAguiSequence(events), { name: 'AssertionError', message: 'AG-UI sequence of 4 event(s) does not end with RUN_FINISHED or RUN_ERROR' });
    assertAguiSequence(events, { terminal: false });
  });

  it('should refuse RUN_ERROR after RUN_FINISHED when a single terminal event is required', async () => {
    const events = [started, finished, { type: 'RUN_ERROR', message: 'late' }];
    assert.equal(await accepts(HttpAgent, events), true);
    assert.throws(() => assertAguiSequence(events), { message: 'AG-UI event #2 (RUN_ERROR): only a new RUN_STARTED may follow RUN_FINISHED' });
    assertAguiSequence(events, { terminal: false });
  });

  it('should name the offending event', () => {
    assert.throws(() => assertAguiSequence([started, start(), finished]), {
      name: 'AssertionError', message: 'AG-UI event #2 (RUN_FINISHED): RUN_FINISHED while text message(s) still open: m1',
    });
    assert.throws(() => assertAguiSequence([started, content(3)]), { message: 'AG-UI event #1 (TEXT_MESSAGE_CONTENT): "delta" must be a string' });
    assert.throws(() => assertAguiSequence(['RUN_STARTED']), { message: 'AG-UI event #0: not an object with a non-empty string "type"' });
  });
});
