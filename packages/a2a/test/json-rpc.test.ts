import assert from 'node:assert/strict';
import request from 'supertest';
import FakeTimers from '@sinonjs/fake-timers';
import type { Express } from 'express';
import { createRuntime, type Runtime } from '@agentway/agents';
import { apiKeyAuth } from '@agentway/auth';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { listen, parseSse, sseBody } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { a2aServer } from '@agentway/a2a';
import { testAgents } from './fixtures/agents';

const V1 = { 'A2A-Version': '1.0' };
const rpc = (method: string, params: unknown, id: unknown = 1) => ({ jsonrpc: '2.0', id, method, params });
const message = (text: string, extra: Record<string, unknown> = {}) => ({ message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text }], ...extra } });
const errorInfo = (reason: string, domain = 'a2a-protocol.org') => ({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain });

/** The stream's frames as JSON, with the task and context ids and the timestamps replaced by placeholders. */
function frames(text: string): any[] {
  const events = parseSse(text).events.map((e) => JSON.parse(e.data));
  const first = events[0].result.task ?? events[0].result;
  const json = JSON.stringify(events).replaceAll(first.id, 'TASK').replaceAll(first.contextId, 'CTX')
    .replace(/"timestamp":"[^"]+"/g, '"timestamp":"T"').replace(/msg_[0-9a-f-]{36}/g, 'MSG');
  return JSON.parse(json);
}

forEachExpress('a2aServer() JSON-RPC endpoint', (express) => {
  let broker: Broker;
  let runtime: Runtime;
  let app: Express;
  let aborted: string[];

  beforeEach(() => {
    aborted = [];
    broker = createMemoryBroker();
    runtime = createRuntime({ broker, agents: testAgents(aborted) });
    app = express();
    app.use('/a2a/echo', a2aServer({ runtime, agent: 'echo', limit: 2048 }));
    app.use('/a2a/waiter', a2aServer({ runtime, agent: 'waiter', heartbeat: 15_000 }));
    app.use('/quiet', a2aServer({ runtime, agent: 'echo', card: { capabilities: { streaming: false } } }));
    app.use('/private', a2aServer({ runtime, agent: 'echo', auth: apiKeyAuth({ keys: [{ key: 'key-alice', id: 'alice' }, { key: 'key-bob', id: 'bob' }] }) }));
  });

  afterEach(async () => {
    await runtime.close();
    await broker.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = V1) => request(app).post(path).set(headers).send(body as object);

  describe('with malformed requests', () => {
    it('should 400 with -32700 when the body is not JSON', async () => {
      const res = await post('/a2a/echo', '{"jsonrpc":', { ...V1, 'Content-Type': 'application/json' }).expect(400);
      assert.deepEqual(res.body, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Invalid JSON payload' } });
    });

    it('should answer -32600 for a request that is not JSON-RPC 2.0, a batch, or a bad id', async () => {
      const wrong = await post('/a2a/echo', { jsonrpc: '1.0', id: 3, method: 'GetTask' }).expect(200);
      assert.deepEqual(wrong.body, { jsonrpc: '2.0', id: 3, error: { code: -32600, message: 'The request must have "jsonrpc": "2.0" and a "method"' } });
      const batch = await post('/a2a/echo', [rpc('GetTask', { id: 'x' })]).expect(200);
      assert.deepEqual(batch.body.error, { code: -32600, message: 'Batch requests are not supported' });
      const id = await post('/a2a/echo', { jsonrpc: '2.0', id: { a: 1 }, method: 'GetTask' }).expect(200);
      assert.deepEqual(id.body, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'The request id must be a string, an integer or null' } });
    });

    it('should answer -32601 for an unknown method, and for 0.3 names where 0.3 is not served', async () => {
      const res = await post('/a2a/echo', rpc('tasks/list', {}, 'x')).expect(200);
      assert.deepEqual(res.body, { jsonrpc: '2.0', id: 'x', error: { code: -32601, message: 'Method not found: tasks/list' } });
      const only10 = express();
      only10.use(a2aServer({ runtime, versions: ['1.0'] }));
      const legacy = await request(only10).post('/').set(V1).send(rpc('message/send', message('hi'))).expect(200);
      assert.equal(legacy.body.error.code, -32601);
    });

    it('should answer -32602 with ErrorInfo and BadRequest details naming the field', async () => {
      const res = await post('/a2a/echo', rpc('SendMessage', { message: { messageId: 'm', role: 'ROLE_USER', parts: [] } })).expect(200);
      assert.deepEqual(res.body.error, {
        code: -32602, message: 'message.parts must hold at least one part',
        data: [errorInfo('INVALID_PARAMS'), { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'message.parts', description: 'message.parts must hold at least one part' }] }],
      });
      const role = await post('/a2a/echo', rpc('SendMessage', { message: { messageId: 'm', role: 'user', parts: [{ text: 'x' }] } })).expect(200);
      assert.equal(role.body.error.message, 'message.role must be ROLE_USER, got "user"');
      const part = await post('/a2a/echo', rpc('SendMessage', { message: { messageId: 'm', role: 'ROLE_USER', parts: [{ text: 'x', url: 'y' }] } })).expect(200);
      assert.equal(part.body.error.message, 'message.parts[0] must hold exactly one of text, raw, url or data');
      const params = await post('/a2a/echo', rpc('GetTask', 'run_1')).expect(200);
      assert.equal(params.body.error.message, 'params must be an object');
      const page = await post('/a2a/echo', rpc('ListTasks', { pageSize: 101 })).expect(200);
      assert.equal(page.body.error.message, 'pageSize must be an integer between 1 and 100');
      const token = await post('/a2a/echo', rpc('ListTasks', { pageToken: 'nope' })).expect(200);
      assert.equal(token.body.error.message, 'pageToken is not a token this server issued');
      const context = await post('/a2a/echo', rpc('SendMessage', message('x', { contextId: 'has space' }))).expect(200);
      assert.equal(context.body.error.message, 'message.contextId must be 1–128 letters, digits, ".", "_", ":" or "-"');
    });

    it('should 413 a body over the limit and 415 a body that is not JSON', async () => {
      const big = await post('/a2a/echo', rpc('SendMessage', message('x'.repeat(4000)))).expect(413);
      assert.deepEqual(big.body, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'The request body is larger than the limit' } });
      const text = await post('/a2a/echo', 'hello', { ...V1, 'Content-Type': 'text/plain' }).expect(415);
      assert.deepEqual(text.body.error, { code: -32600, message: 'Content-Type must be application/json, got text/plain' });
    });

    it('should read a body the host app already parsed with express.json()', async () => {
      const host = express();
      host.use(express.json());
      host.use('/a2a', a2aServer({ runtime }));
      const res = await request(host).post('/a2a').set(V1).send(rpc('SendMessage', message('parsed twice'))).expect(200);
      assert.equal(res.body.result.task.artifacts[0].parts[0].text, 'parsed twice');
    });
  });

  describe('version negotiation', () => {
    it('should answer -32009 with ErrorInfo VERSION_NOT_SUPPORTED for a version not served', async () => {
      const res = await post('/a2a/echo', rpc('GetTask', { id: 'x' }), { 'A2A-Version': '2.0' }).expect(200);
      assert.deepEqual(res.body.error, {
        code: -32009, message: "A2A version '2.0' is not supported; supported versions: 1.0, 0.3", data: [errorInfo('VERSION_NOT_SUPPORTED')],
      });
    });

    it('should read the version from the query when there is no header, and ignore the patch number', async () => {
      const query = await request(app).post('/a2a/echo?A2A-Version=2.0').send(rpc('GetTask', { id: 'x' })).expect(200);
      assert.equal(query.body.error.code, -32009);
      const patch = await post('/a2a/echo', rpc('GetTask', { id: 'run_x' }), { 'A2A-Version': '1.0.3' }).expect(200);
      assert.equal(patch.body.error.code, -32001);
    });

    it('should take a request without A2A-Version as 0.3, answering 0.3 methods in 0.3 shapes (errors without data)', async () => {
      const res = await post('/a2a/echo', rpc('message/send', { message: { kind: 'message', messageId: 'm', role: 'user', parts: [{ kind: 'text', text: 'old peer' }] } }), {}).expect(200);
      assert.equal(res.body.result.kind, 'task');
      assert.equal(res.body.result.status.state, 'completed');
      assert.deepEqual(res.body.result.artifacts[0].parts, [{ kind: 'text', text: 'old peer' }]);
      assert.deepEqual(res.body.result.history[0], { kind: 'message', messageId: 'm', role: 'user', parts: [{ kind: 'text', text: 'old peer' }], contextId: res.body.result.contextId, taskId: res.body.result.id });
      const missing = await post('/a2a/echo', rpc('tasks/get', { id: 'run_none' }), {}).expect(200);
      assert.deepEqual(missing.body.error, { code: -32001, message: 'Task not found: run_none' });
      const only10 = express();
      only10.use(a2aServer({ runtime, versions: ['1.0'] }));
      const refused = await request(only10).post('/').send(rpc('SendMessage', message('x'))).expect(200);
      assert.deepEqual(refused.body.error, { code: -32009, message: "A2A version '0.3' is not supported; supported versions: 1.0" });
    });
  });

  describe('SendMessage', () => {
    it('should read data parts as JSON, textual raw parts as text, and refuse other bytes with -32005', async () => {
      const parts = [{ text: 'a' }, { data: { k: 1 } }, { raw: Buffer.from('héllo').toString('base64'), mediaType: 'text/plain; charset=utf-8' }, { url: 'https://x.test/f' }];
      const res = await post('/a2a/echo', rpc('SendMessage', { message: { messageId: 'm', role: 'ROLE_USER', parts } })).expect(200);
      assert.equal(res.body.result.task.artifacts[0].parts[0].text, 'a\n{"k":1}\nhéllo\nhttps://x.test/f');
      const png = await post('/a2a/echo', rpc('SendMessage', { message: { messageId: 'm', role: 'ROLE_USER', parts: [{ raw: 'iVBO', mediaType: 'image/png' }] } })).expect(200);
      assert.deepEqual(png.body.error, {
        code: -32005, message: 'message.parts[0] holds image/png bytes; this agent reads text', data: [errorInfo('CONTENT_TYPE_NOT_SUPPORTED')],
      });
      const modes = await post('/a2a/echo', rpc('SendMessage', { ...message('x'), configuration: { acceptedOutputModes: ['image/png'] } })).expect(200);
      assert.equal(modes.body.error.code, -32005);
    });

    it('should answer returnImmediately with the SUBMITTED task and leave it running', async () => {
      const res = await post('/a2a/waiter', rpc('SendMessage', { ...message('go'), configuration: { returnImmediately: true } })).expect(200);
      const task = res.body.result.task;
      assert.equal(task.status.state, 'TASK_STATE_SUBMITTED');
      const got = await post('/a2a/waiter', rpc('GetTask', { id: task.id, historyLength: 0 })).expect(200);
      assert.equal(got.body.result.history, undefined);
      assert.ok(['TASK_STATE_SUBMITTED', 'TASK_STATE_WORKING'].includes(got.body.result.status.state));
    });

    it('should refuse push notification configs (-32003) and the extended card (-32004)', async () => {
      const push = await post('/a2a/echo', rpc('CreateTaskPushNotificationConfig', { taskId: 't', url: 'https://x.test' })).expect(200);
      assert.deepEqual(push.body.error, { code: -32003, message: 'Push notifications are not supported', data: [errorInfo('PUSH_NOTIFICATION_NOT_SUPPORTED')] });
      const inline = await post('/a2a/echo', rpc('SendMessage', { ...message('x'), configuration: { taskPushNotificationConfig: { url: 'https://x.test' } } })).expect(200);
      assert.equal(inline.body.error.code, -32003);
      const card = await post('/a2a/echo', rpc('GetExtendedAgentCard', undefined)).expect(200);
      assert.equal(card.body.error.code, -32004);
    });
  });

  describe('SendStreamingMessage', () => {
    it('should write exactly the 1.0 frames, one JSON-RPC response each, and end the response', async () => {
      const res = await post('/a2a/echo', rpc('SendStreamingMessage', message('a b'), 7)).buffer(true).parse(sseBody).expect(200);
      assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
      assert.equal(res.headers['cache-control'], 'no-cache, no-transform');
      assert.equal(res.headers['x-accel-buffering'], 'no');
      const text = res.body as string;
      assert.match(text, /^data: \{"jsonrpc":"2\.0","id":7,"result":\{"task":\{"id":"run_[^"]+","contextId":"thread_[^"]+","status":\{"state":"TASK_STATE_SUBMITTED"/);
      assert.ok(text.endsWith('}}\n\n'));
      const ids = { taskId: 'TASK', contextId: 'CTX' };
      const chunk = (text: string, append: boolean, lastChunk: boolean) => ({ jsonrpc: '2.0', id: 7, result: { artifactUpdate: { ...ids, artifact: { artifactId: 'MSG', name: 'response', parts: [{ text }] }, append, lastChunk } } });
      assert.deepEqual(frames(text), [
        { jsonrpc: '2.0', id: 7, result: { task: { id: 'TASK', contextId: 'CTX', status: { state: 'TASK_STATE_SUBMITTED', timestamp: 'T' }, history: [{ messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'a b' }], taskId: 'TASK', contextId: 'CTX' }] } } },
        { jsonrpc: '2.0', id: 7, result: { statusUpdate: { ...ids, status: { state: 'TASK_STATE_WORKING', timestamp: 'T' } } } },
        chunk('a', false, false), chunk(' b', true, false), chunk('', true, true),
        { jsonrpc: '2.0', id: 7, result: { statusUpdate: { ...ids, status: { state: 'TASK_STATE_COMPLETED', timestamp: 'T' } } } },
      ]);
    });

    it('should write the 0.3 frames for message/stream: kind-tagged, with final on the last status', async () => {
      const body = rpc('message/stream', { message: { kind: 'message', messageId: 'm', role: 'user', parts: [{ kind: 'text', text: 'hi' }] } }, 'abc');
      const res = await post('/a2a/echo', body, {}).buffer(true).parse(sseBody).expect(200);
      const ids = { taskId: 'TASK', contextId: 'CTX' };
      const chunk = (text: string, append: boolean, lastChunk: boolean) => ({ jsonrpc: '2.0', id: 'abc', result: { kind: 'artifact-update', ...ids, artifact: { artifactId: 'MSG', name: 'response', parts: [{ kind: 'text', text }] }, append, lastChunk } });
      assert.deepEqual(frames(res.body as string), [
        { jsonrpc: '2.0', id: 'abc', result: { kind: 'task', id: 'TASK', contextId: 'CTX', status: { state: 'submitted', timestamp: 'T' }, history: [{ kind: 'message', messageId: 'm', role: 'user', parts: [{ kind: 'text', text: 'hi' }], contextId: 'CTX', taskId: 'TASK' }] } },
        { jsonrpc: '2.0', id: 'abc', result: { kind: 'status-update', ...ids, status: { state: 'working', timestamp: 'T' }, final: false } },
        chunk('hi', false, false), chunk('', true, true),
        { jsonrpc: '2.0', id: 'abc', result: { kind: 'status-update', ...ids, status: { state: 'completed', timestamp: 'T' }, final: true } },
      ]);
    });

    it('should refuse streaming with -32004 when the card says capabilities.streaming is false', async () => {
      const res = await post('/quiet', rpc('SendStreamingMessage', message('x'))).expect(200);
      assert.deepEqual(res.body.error.data, [errorInfo('UNSUPPORTED_OPERATION')]);
      const sub = await post('/quiet', rpc('SubscribeToTask', { id: 'run_x' })).expect(200);
      assert.equal(sub.body.error.code, -32004);
      const card = await request(app).get('/quiet/.well-known/agent-card.json').set(V1).expect(200);
      assert.deepEqual(card.body.capabilities, { streaming: false });
    });

    it('should keep the task running when the client leaves, and heartbeat a quiet stream', async () => {
      // Fake time also advances with real time (fetch needs its own timers); the 15 s heartbeat is far from that drift.
      const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldAdvanceTime: true });
      const server = await listen(app);
      try {
        const controller = new AbortController();
        const res = await fetch(`${server.url}/a2a/waiter/`, {
          method: 'POST', headers: { ...V1, 'Content-Type': 'application/json' }, body: JSON.stringify(rpc('SendStreamingMessage', message('wait'))), signal: controller.signal,
        });
        const reader = res.body!.getReader();
        let text = '';
        while (parseSse(text).events.length < 3) text += new TextDecoder().decode((await reader.read()).value);
        assert.deepEqual(parseSse(text).comments, []);
        clock.tick(15_000);
        while (!text.includes(': ping')) text += new TextDecoder().decode((await reader.read()).value);
        assert.deepEqual(parseSse(text).comments, ['ping']);
        const taskId = JSON.parse(parseSse(text).events[0]!.data).result.task.id;
        controller.abort();
        await reader.closed.catch(() => undefined);
        const got = await post('/a2a/waiter', rpc('GetTask', { id: taskId })).expect(200);
        assert.equal(got.body.result.status.state, 'TASK_STATE_WORKING');
        assert.deepEqual(aborted, []);
      } finally {
        clock.uninstall();
        await server.close();
      }
    });
  });

  describe('with auth', () => {
    const alice = { ...V1, Authorization: 'Bearer key-alice' };
    const bob = { ...V1, Authorization: 'Bearer key-bob' };

    it('should 401 without a key, as a JSON-RPC error with the challenge header, and keep the card public', async () => {
      const res = await post('/private', rpc('GetTask', { id: 'x' })).expect(401);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="agentway"');
      assert.deepEqual(res.body, {
        jsonrpc: '2.0', id: null,
        error: { code: -32000, message: '[@agentway/auth] a credential is required: send "Authorization: Bearer <key>"', data: [errorInfo('UNAUTHENTICATED', 'agentway')] },
      });
      const wrong = await post('/private', rpc('GetTask', { id: 'x' }), { ...V1, Authorization: 'Bearer nope' }).expect(401);
      assert.equal(wrong.body.error.message, '[@agentway/auth] the credential is not valid');
      const card = await request(app).get('/private/.well-known/agent-card.json').set(V1).expect(200);
      assert.deepEqual(card.body.securitySchemes, { bearer: { httpAuthSecurityScheme: { scheme: 'Bearer' } } });
      assert.deepEqual(card.body.securityRequirements, [{ schemes: { bearer: { list: [] } } }]);
    });

    it('should keep a task private to the principal that started it', async () => {
      const started = await post('/private', rpc('SendMessage', message('secret')), alice).expect(200);
      const id = started.body.result.task.id;
      assert.equal((await runtime.result(id)).events[0]!.type, 'run_started');
      assert.equal(((await runtime.result(id)).events[0] as { principal_id?: string }).principal_id, 'alice');
      const own = await post('/private', rpc('GetTask', { id }), alice).expect(200);
      assert.equal(own.body.result.artifacts[0].parts[0].text, 'secret');
      const other = await post('/private', rpc('GetTask', { id }), bob).expect(200);
      assert.deepEqual(other.body.error, { code: -32001, message: `Task not found: ${id}`, data: [errorInfo('TASK_NOT_FOUND')] });
      const cancel = await post('/private', rpc('CancelTask', { id }), bob).expect(200);
      assert.equal(cancel.body.error.code, -32001);
      const aliceList = await post('/private', rpc('ListTasks', {}), alice).expect(200);
      assert.deepEqual(aliceList.body.result.tasks.map((t: { id: string }) => t.id), [id]);
      const bobList = await post('/private', rpc('ListTasks', {}), bob).expect(200);
      assert.deepEqual(bobList.body.result, { tasks: [], nextPageToken: '', pageSize: 50, totalSize: 0 });
    });
  });
});
