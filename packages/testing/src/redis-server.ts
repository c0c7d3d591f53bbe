import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { arrayOf, boolean, checkOptions, string } from '@agentway/options';
import { TestingError } from './testing-error';

/** A redis-server of a test's own, which the test may kill and start again. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** SIGKILL: no shutdown save; with `aof`, what Redis acknowledged survives. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory (after `kill()`). */
  start(): Promise<void>;
  /** Kills it and removes its data directory. Call it in `after()`. */
  stop(): Promise<void>;
}

/** How to run the server. */
export interface RedisServerOptions {
  /** Fsync every write to an append-only file before answering (`--appendfsync always`), so a restart keeps it. Default false. */
  aof?: boolean;
  /** The executable. Default `redis-server` on the PATH. */
  binary?: string;
  /** More command-line arguments, such as `['--maxmemory', '10mb']`. */
  args?: string[];
}

const optionsSchema = { aof: boolean(), binary: string({ nonEmpty: true }), args: arrayOf(string()) };

/**
 * Starts a throwaway `redis-server` on a free loopback port, with its own data directory, for
 * tests that restart or kill Redis (reconnection, persistence) — never the shared one. Resolves
 * once it answers `PING`; `ERR_TESTING_REDIS_SERVER` if it cannot be run or does not answer within 5 s.
 *
 * ```ts
 * const redis = await redisServer({ aof: true });
 * after(() => redis.stop());
 * const broker = await createRedisBroker({ url: redis.url });
 * await redis.kill(); await redis.start();   // the broker reconnects
 * ```
 */
export async function redisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const { aof = false, binary = 'redis-server', args = [] } = checkOptions('testing', options, optionsSchema);
  const dir = await mkdtemp(join(tmpdir(), 'agentway-redis-'));
  const port = await freePort();
  const argv = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir,
    ...(aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']), ...args];
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const proc = spawn(binary, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    let failure: TestingError | undefined;
    const keep = (chunk: Buffer) => { output = (output + chunk.toString('utf8')).slice(-2000); };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    proc.once('error', (err) => {
      failure = new TestingError('ERR_TESTING_REDIS_SERVER', `could not run ${binary} (${err.message}): install redis-server or pass option "binary"`, { cause: err });
    });
    proc.once('exit', (code, signal) => {
      failure ??= new TestingError('ERR_TESTING_REDIS_SERVER', `${binary} exited (${code ?? signal}) before answering PING: ${output.trim()}`);
    });
    try {
      await waitForPong(port, binary, () => failure);
    } catch (err) {
      await kill();
      throw err;
    }
  }

  async function kill(): Promise<void> {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null || running.pid === undefined) return;
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  }

  try {
    await start();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once the server answers PING (it loads its AOF first); fails when it died, or after 5 s. */
async function waitForPong(port: number, binary: string, failure: () => TestingError | undefined): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const failed = failure();
    if (failed) throw failed;
    const answer = await new Promise<string>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write('PING\r\n'));
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('\r\n')) socket.end();
      });
      socket.on('error', () => resolve(''));
      socket.on('close', () => resolve(text));
    });
    if (answer.startsWith('+PONG')) return;
    if (Date.now() > deadline) throw new TestingError('ERR_TESTING_REDIS_SERVER', `${binary} on port ${port} did not answer PING within 5 s (${answer.trim()})`);
    await sleep(20);
  }
}
