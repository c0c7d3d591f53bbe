import { createServer } from 'node:http';
import express from 'express';

const body = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'hello world' } }] });

/** `node`: a raw node:http handler; `express`: the same answer from a bare Express route. */
export async function createApp(side: string) {
  if (side === 'node') {
    return { server: createServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end(body); }) };
  }
  const app = express();
  app.get('/', (_req, res) => { res.type('json').send(body); });
  return app;
}
