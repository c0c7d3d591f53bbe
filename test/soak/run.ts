/**
 * `npm run soak`: the load and fault suite (issue 10). Starts the gateway in a process of its own
 * (test/soak/server.ts), warms it up, then runs each check in turn — SSE streams under load, idle
 * WebSockets, clients that vanish, a broker that fails publishes, malformed input at every parser —
 * stops the server (it must exit 0: a clean graceful shutdown, no unhandled rejection), prints a
 * table and, at full size, writes it as the `## Soak` section of bench/RESULTS.md. Exits 1 when
 * anything failed.
 *
 * Sizes (the issue's by default): SOAK_STREAMS (1000), SOAK_SECONDS (60), SOAK_SOCKETS (5000),
 * SOAK_VANISH (100 per kind), SOAK_FAULTS (30 per protocol), SOAK_FUZZ (300 per parser);
 * SOAK_SEED replays a fuzz run; SOAK_ONLY=fuzz,faults runs only the checks whose key is listed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brokerFaults } from './checks/broker-faults';
import type { CheckResult } from './checks/common';
import { fuzz } from './checks/fuzz';
import { idleWebSockets } from './checks/idle-websockets';
import { sseLoad } from './checks/sse-load';
import { vanishingClients } from './checks/vanishing-clients';
import { warmUp } from './checks/warm-up';
import { renderTable, writeSoakSection } from './report';
import { startSoakServer, type SoakServer } from './soak-server';

const DEFAULTS = { SOAK_STREAMS: 1000, SOAK_SECONDS: 60, SOAK_SOCKETS: 5000, SOAK_VANISH: 100, SOAK_FAULTS: 30, SOAK_FUZZ: 300 } as const;
type SizeName = keyof typeof DEFAULTS;

function size(name: SizeName): number {
  const text = process.env[name];
  if (text === undefined || text === '') return DEFAULTS[name];
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

/** The soft limit on open files (Linux), or undefined where /proc is not there. */
function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

interface Step {
  readonly key: string;
  /** A bound on the check's run time: past it, the check fails and the run stops. */
  readonly ms: number;
  run(server: SoakServer): Promise<CheckResult>;
}

async function main(): Promise<number> {
  const streams = size('SOAK_STREAMS');
  const seconds = size('SOAK_SECONDS');
  const sockets = size('SOAK_SOCKETS');
  const vanish = size('SOAK_VANISH');
  const faults = size('SOAK_FAULTS');
  const cases = size('SOAK_FUZZ');
  const seed = process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  const only = process.env.SOAK_ONLY?.split(',').map((k) => k.trim()).filter(Boolean);
  const fullSize = (Object.keys(DEFAULTS) as SizeName[]).every((name) => size(name) === DEFAULTS[name]) && only === undefined;
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
    // Not needed here (the server collects its own garbage), but npm run soak passes it: say so if it is missing.
    console.warn('note: run with node --expose-gc (npm run soak does)');
  }
  // Each socket is a file on both ends: this process and the server each hold `sockets` of them at once.
  const needed = Math.max(sockets, streams) + 512;
  const limit = openFileLimit();
  if (limit !== undefined && limit < needed) {
    console.error(`The limit on open files is ${limit}; ${needed} are needed for ${sockets} WebSockets and ${streams} streams.\n`
      + `Raise it in this shell (\`ulimit -n ${Math.max(needed, 20_000)}\`), or run smaller: SOAK_SOCKETS=${limit - 512} npm run soak`);
    return 2;
  }
  const all: Step[] = [
    { key: 'sse', ms: (seconds + 180) * 1000, run: (server) => sseLoad(server, { streams, seconds }) },
    { key: 'websockets', ms: 300_000, run: (server) => idleWebSockets(server, sockets) },
    { key: 'vanishing', ms: 180_000, run: (server) => vanishingClients(server, vanish) },
    { key: 'faults', ms: 180_000, run: (server) => brokerFaults(server, faults) },
    { key: 'fuzz', ms: 600_000, run: (server) => fuzz(server, { cases, seed }) },
  ];
  const steps = all.filter((step) => only === undefined || only.includes(step.key));
  console.log(`agentway soak — Node ${process.version}, seed ${seed} (SOAK_SEED=${seed} replays the fuzz cases)`);
  console.log(`sizes: ${streams} streams × ${seconds} s, ${sockets} WebSockets, ${vanish} vanishing clients per kind, `
    + `${faults} requests per protocol under faults, ${cases} fuzz cases per parser\n`);
  const began = Date.now();
  const server = await startSoakServer();
  const results: CheckResult[] = [];
  let stopped = false;
  try {
    await warmUp(server);
    for (const step of steps) {
      const at = Date.now();
      process.stdout.write(`${step.key} … `);
      const result = await bounded(step.run(server), step.ms, step.key);
      results.push(result);
      console.log(`${result.pass ? 'pass' : 'FAIL'} (${((Date.now() - at) / 1000).toFixed(0)} s)`);
      for (const failure of result.failures.slice(0, 10)) console.log(`    ${failure}`);
      if (result.failures.length > 10) console.log(`    … and ${result.failures.length - 10} more`);
      if (result.figures.timedOut !== undefined) break; // the server is in an unknown state: stop here
    }
  } catch (err) {
    results.push({ name: 'the run itself', pass: false, failures: [(err as Error).stack ?? String(err)], figures: {} });
  } finally {
    const code = await server.stop();
    stopped = true;
    const shutdown: CheckResult = {
      name: 'graceful shutdown (SIGTERM)',
      pass: code === 0,
      failures: code === 0 ? [] : [`the server exited with ${code}${server.stderr() ? `: ${server.stderr().slice(-2_000)}` : ''}`],
      figures: { 'exit code': String(code) },
    };
    results.push(shutdown);
  }
  if (!stopped) return 1;
  const minutes = ((Date.now() - began) / 60_000).toFixed(1);
  const table = renderTable(results);
  console.log(`\n${table}\n\ntotal ${minutes} min`);
  const pass = results.every((r) => r.pass);
  if (fullSize) {
    writeSoakSection(join(__dirname, '..', '..', 'bench', 'RESULTS.md'), { seed, minutes, table, pass });
    console.log('written to bench/RESULTS.md (## Soak)');
  } else {
    console.log('reduced size or SOAK_ONLY: bench/RESULTS.md left as it is');
  }
  return pass ? 0 : 1;
}

/** The check's result, or a failed one once `ms` passed without it. */
function bounded(check: Promise<CheckResult>, ms: number, key: string): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ name: key, pass: false, failures: [`did not finish within ${ms / 1000} s (a hang)`], figures: { timedOut: 'yes' } }), ms);
  });
  return Promise.race([check, late]).finally(() => clearTimeout(timer));
}

let unhandled = 0;
process.on('unhandledRejection', (reason) => {
  unhandled++;
  console.error(`soak runner: unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`);
});

main().then((code) => {
  if (unhandled > 0) code = 1;
  // Whatever a check left behind on this side (a timed-out client) must not keep the run alive.
  process.exit(code);
}, (err: Error) => {
  console.error(err.stack);
  process.exit(1);
});
