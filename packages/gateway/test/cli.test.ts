import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const cli = join(__dirname, '..', 'dist', 'cli.js');

/** Starts the CLI and resolves with the process and its URL once it prints it. */
async function startCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => { out += chunk; });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match && out.includes('\n  GET   /healthz')) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the CLI exited with ${code}:\n${out}`)));
  });
  return { child, url, output: () => out };
}

describe('the agentway CLI', () => {
  it('should start with the embedded defaults, print each endpoint, and exit 0 on SIGTERM', async () => {
    const { child, url, output } = await startCli(['serve', '--port', '0']);
    assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: 'ok' });
    const missing = await fetch(`${url}/nope?x=1`);
    assert.deepEqual([missing.status, missing.headers.get('content-type'), await missing.json()], [404, 'application/json; charset=utf-8',
      { error: { code: 'ERR_GATEWAY_NOT_FOUND', message: 'Cannot GET /nope: GET / lists the endpoints' } }]);
    assert.match(output(), /broker: memory · mode: local · agents: echo \(default\), clock/);
    assert.match(output(), /auth: none — set AGENTWAY_API_KEYS to require a key/);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.match(output(), /received SIGTERM, shutting down/);
  });

  it('should take a config file and let flags override the environment', async () => {
    const { child, url, output } = await startCli(['serve', '--config', join(__dirname, 'fixtures', 'gateway.yaml'), '--port', '0'], { PORT: '1' });
    assert.match(output(), /agents: shout \(default\)/);
    assert.match(output(), /auth: 2 API key\(s\)/);
    assert.ok(url.startsWith('http://127.0.0.1:') && !url.endsWith(':1'));
    child.kill('SIGINT');
    assert.deepEqual(await once(child, 'exit'), [0, null]);
  });

  it('should answer open OpenAI requests in their protocol\'s shape on SIGTERM, log JSON lines with request ids, and exit 0', async () => {
    const { child, url, output } = await startCli(['serve', '--port', '0', '--config', join(__dirname, 'fixtures', 'waiting.yaml')]);
    const post = (stream: boolean, id: string) => fetch(`${url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id },
      body: JSON.stringify({ model: 'waiting', stream, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const stream = await post(true, 'cli-stream');
    const reader = stream.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /"role":"assistant"/);
    const waiting = post(false, 'cli-json');
    await new Promise((resolve) => setTimeout(resolve, 50)); // the JSON request reaches its run
    child.kill('SIGTERM');
    const answered = await waiting;
    assert.deepEqual([answered.status, answered.headers.get('x-request-id'), ((await answered.json()) as { error: { code: string } }).error.code],
      [503, 'cli-json', 'server_shutting_down']);
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    assert.match(rest, /data: \{"error":\{"message":"\[@agentway\/openai-compat\] The server is shutting down: the stream was ended before the run did\.","type":"server_error","param":null,"code":"server_shutting_down"\}\}\n\n$/);
    assert.deepEqual(await once(child, 'exit'), [0, null]);
    const lines = output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string; reqId?: string; level: number });
    assert.deepEqual(lines.filter((l) => l.reqId === 'cli-json').map((l) => [l.level, l.msg]), [[40, 'request errored']], 'a 503 is a warning');
    assert.deepEqual(lines.filter((l) => l.reqId === 'cli-stream').map((l) => [l.level, l.msg]), [[30, 'request completed']]);
    const messages = lines.map((l) => l.msg);
    assert.equal(messages.at(-1), 'shut down');
    assert.ok(messages.indexOf('received SIGTERM, shutting down') < messages.indexOf('shutting down: no new connections; open streams, sockets and deliveries wind up'));
    assert.ok(messages.includes('received SIGTERM, shutting down'));
    assert.doesNotMatch(output(), /ERR_AGENTS_CLOSED|\n\s+at /, 'no stack trace');
    assert.match(output(), /\n {2}metrics: Prometheus at GET \/metrics\n/);
  });

  it('should print usage and exit 2 without a command, and exit 1 with a clear message on a bad config', async () => {
    const usage = spawn(process.execPath, [cli], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    usage.stdout.on('data', (chunk: Buffer) => { text += chunk.toString(); });
    assert.deepEqual(await once(usage, 'exit'), [2, null]);
    assert.match(text, /^Usage: agentway serve/);
    const bad = spawn(process.execPath, [cli, 'serve', '--config', join(__dirname, 'fixtures', 'typo.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    bad.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    assert.deepEqual(await once(bad, 'exit'), [1, null]);
    assert.equal(err, 'agentway: [@agentway/gateway] unknown option "agnets"; did you mean "agents"?\n');
  });
});
