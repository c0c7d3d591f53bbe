import assert from 'node:assert/strict';
import request from 'supertest';
import type { Express } from 'express';
import { readStream } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';

forEachExpress('readStream()', (express) => {
  let app: Express;

  before(() => {
    app = express();
    app.post('/events', (req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'X-Run': 'r1' });
      res.write('retry: 1000\n: ping\n\n');
      setImmediate(() => res.end('id: 1\nevent: greeting\ndata: hello\ndata: world\n\ndata: {"n":2}\n\ndata: cut'));
    });
    app.post('/json', (req, res) => { res.status(400).json({ error: { code: 'bad', message: 'no stream for you' } }); });
  });

  it('should send the request and read the whole stream: status, headers, text, events and comments', async () => {
    const res = await readStream(request(app).post('/events').send({ q: 1 }).expect(200).expect('X-Run', 'r1'));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(res.text, 'retry: 1000\n: ping\n\nid: 1\nevent: greeting\ndata: hello\ndata: world\n\ndata: {"n":2}\n\ndata: cut');
    assert.deepEqual(res.events, [{ event: 'greeting', data: 'hello\nworld', id: '1', retry: 1000 }, { data: '{"n":2}' }]);
    assert.deepEqual(res.comments, ['ping']);
  });

  it('should reject with supertest\'s own error when an expectation fails', async () => {
    await assert.rejects(readStream(request(app).post('/events').expect(201)), { message: 'expected 201 "Created", got 200 "OK"' });
  });

  it('should refuse an answer that is not an event stream, showing its status and body', async () => {
    await assert.rejects(readStream(request(app).post('/json')), {
      name: 'TestingError', code: 'ERR_TESTING_NOT_AN_EVENT_STREAM',
      message: '[@agentway/testing] expected a text/event-stream response, got 400 application/json; charset=utf-8: "{\\"error\\":{\\"code\\":\\"bad\\",\\"message\\":\\"no stream for you\\"}}"',
    });
  });

  it('should refuse a response already awaited', async () => {
    const done = await request(app).post('/json');
    await assert.rejects(readStream(done as never), {
      name: 'TypeError', code: 'ERR_TESTING_INVALID_ARGUMENT',
      message: '[@agentway/testing] readStream() takes a supertest request before it is awaited: readStream(request(app).post(path).send(body))',
    });
  });
});
