import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { Result } from './harness';
import { pin } from './pin';

export interface HttpLoad {
  /** A module in bench/apps exporting `createApp(side)`. */
  app: string;
  side: string;
  method?: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
  connections?: number;
  /** Seconds. Default 5. */
  duration?: number;
}

/** Starts `bench/apps/<app>` in a child process pinned to core 0; resolves with its port. */
export async function startApp(app: string, side: string): Promise<{ port: number; child: ChildProcess }> {
  // BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the apps under load.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(...pin(0, [process.execPath, ...nodeArgs, '--import', 'tsx', join(__dirname, 'serve.ts'), app, side]), {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`bench app ${app}/${side} exited with ${code}: ${out}`)));
  });
  return { port, child };
}

export function stopApp(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.stdin!.end();
  });
}

/** Load one app side with autocannon from this process; 1 s warm-up, then `duration` s measured. */
export async function httpLoad(load: HttpLoad): Promise<Result> {
  const { port, child } = await startApp(load.app, load.side);
  try {
    const options = {
      url: `http://127.0.0.1:${port}${load.path}`,
      method: load.method ?? 'GET',
      headers: load.headers,
      body: load.body,
      connections: load.connections ?? 50,
    };
    await autocannon({ ...options, duration: 1 });
    const result = await autocannon({ ...options, duration: load.duration ?? 5 });
    const errors = result.errors + result.timeouts + result.non2xx;
    if (errors > 0) throw new Error(`${load.app}/${load.side}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
    return { throughput: result.requests.average, p99: result.latency.p99 };
  } finally {
    await stopApp(child);
  }
}
