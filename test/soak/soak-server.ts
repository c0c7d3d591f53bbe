import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { pin } from '../../bench/pin';

/** What the soak server says about itself (`GET /__soak/stats`, after two full GCs). */
export interface ServerStats {
  memory: NodeJS.MemoryUsage;
  /** Open TCP connections (the stats request's own excluded). */
  connections: number;
  /** `process.getActiveResourcesInfo()`, counted by type (`TCPSocketWrap`, `Timeout`, …). */
  resources: Record<string, number>;
  unhandled: number;
  uncaught: number;
  /** Error-level log lines; those that name an injected fault ("soak fault"); the first few of the others. */
  errorCount: number;
  faultErrorCount: number;
  errors: string[];
}

/** The gateway under soak, in a child process (pinned to core 0 when taskset exists). */
export interface SoakServer {
  readonly url: string;
  readonly child: ChildProcess;
  stats(): Promise<ServerStats>;
  /** Makes every `every`-th publish on a topic matching `topic` fail; `undefined` stops it. */
  faults(spec: { publish: string; every: number } | undefined): Promise<void>;
  /** What it wrote on stderr. */
  stderr(): string;
  /** SIGTERM, then its exit code (0: a clean shutdown, no unhandled rejection). */
  stop(): Promise<number | null>;
}

export async function startSoakServer(): Promise<SoakServer> {
  const [command, args] = pin(0, [process.execPath, '--expose-gc', '--import', 'tsx', join(__dirname, 'server.ts')]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, ...(process.env.SOAK_SNAPSHOTS && { SOAK_SNAPSHOTS: '1' }) } });
  let errors = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { errors += chunk; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /SOAK_URL (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`the soak server exited (${code}) before listening:\n${errors}`)));
  });
  return {
    url,
    child,
    async stats() {
      return JSON.parse(await control('GET', `${url}/__soak/stats`)) as ServerStats;
    },
    async faults(spec) {
      await control('POST', `${url}/__soak/faults`, JSON.stringify(spec ?? {}));
    },
    stderr: () => errors,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** One control request on a connection of its own, closed after it (it leaves nothing open on either side). */
function control(method: string, url: string, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; }).on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}
