import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', 'dist', 'cli.js');

export type Exit = [code: number | null, signal: NodeJS.Signals | null];

/** An `agentway` CLI process of a test, with what it printed. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Lines printed on stdout so far. */
  readonly lines: readonly string[];
  /** What it printed on stderr so far. */
  stderr(): string;
  /** Resolves with the first stdout line that matches (printed so far or later); rejects if it exits first. */
  line(pattern: RegExp): Promise<string>;
  /** Resolves once it exited and its output was read, with its code and signal. */
  readonly exited: Promise<Exit>;
  /** Sends `signal` (SIGTERM by default) unless it has exited, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/**
 * Starts `node packages/gateway/dist/cli.js <args>` with only PATH and `env` in its environment
 * (no AGENTWAY_* of the test's own environment leaks in).
 */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve(line: string): void; reject(err: Error): void }>();
  let partial = '';
  let errors = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => { errors += chunk; });
  child.stdout!.on('data', (chunk: string) => {
    partial += chunk;
    for (let end = partial.indexOf('\n'); end >= 0; end = partial.indexOf('\n')) {
      const line = partial.slice(0, end);
      partial = partial.slice(end + 1);
      lines.push(line);
      for (const waiter of waiters) {
        if (!waiter.pattern.test(line)) continue;
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => { // after 'exit', once its output is all read
      for (const waiter of waiters) waiter.reject(new Error(`agentway ${args.join(' ')} exited (${code ?? signal}) before printing ${waiter.pattern}:\n${lines.join('\n')}\n${errors}`));
      waiters.clear();
      resolve([code, signal]);
    });
  });
  return {
    child,
    lines,
    stderr: () => errors,
    exited,
    line(pattern) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.reject(new Error(`agentway ${args.join(' ')} has exited without printing ${pattern}:\n${lines.join('\n')}\n${errors}`));
      }
      return new Promise((resolve, reject) => { waiters.add({ pattern, resolve, reject }); });
    },
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
