import { spawn } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanEnv } from './clean-env';
import { ROOT, type Tarball } from './pack';
import { internalNeeds } from './tarball-contents';

/** What a finished child process said. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** Runs a command to its end (killing it after `timeoutMs`), with the consumer environment. */
export function runCommand(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(ROOT), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
    const timer = setTimeout(() => {
      output += `\n[consumers] ${command} ${args.join(' ')} did not end within ${timeoutMs} ms: killed`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => { clearTimeout(timer); reject(err); });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

/** The tarballs a consumer needs: the `@agentway/*` it depends on, and theirs, transitively. */
export function tarballClosure(direct: readonly string[], tarballs: readonly Tarball[]): Tarball[] {
  const byName = new Map(tarballs.map((t) => [t.manifest.name, t]));
  const needed = new Map<string, Tarball>();
  const visit = (name: string, from: string) => {
    if (needed.has(name)) return;
    const tarball = byName.get(name);
    if (!tarball) throw new Error(`${from} needs ${name}, which no workspace package publishes`);
    needed.set(name, tarball);
    for (const next of internalNeeds(tarball.manifest)) visit(next, name);
  };
  for (const name of direct) visit(name, 'the consumer');
  return [...needed.values()];
}

interface ConsumerManifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * Copies test/consumers/<name> to `<into>/<name>` — outside this repository, so that neither
 * npm nor Node's resolution can reach the workspace's node_modules — points each `@agentway/*`
 * dependency (and those they need) at its tarball, and runs `npm install` there, from the npm
 * cache when it can, refusing any package whose engines exclude this node. Returns the project folder.
 */
export async function installConsumer(name: string, tarballs: readonly Tarball[], into: string): Promise<string> {
  const dir = join(into, name);
  await cp(join(__dirname, name), dir, { recursive: true, filter: (src) => !/[\\/](node_modules|dist)$/.test(src) && !src.endsWith('package-lock.json') });
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as ConsumerManifest;
  const dependencies = { ...manifest.dependencies };
  const devDependencies = { ...manifest.devDependencies };
  const direct = Object.keys({ ...dependencies, ...devDependencies }).filter((dep) => dep.startsWith('@agentway/'));
  for (const { manifest: { name }, path } of tarballClosure(direct, tarballs)) {
    if (name in devDependencies) devDependencies[name] = `file:${path}`;
    else dependencies[name] = `file:${path}`;
  }
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ ...manifest, dependencies, devDependencies }, null, 2)}\n`);
  const exit = await runCommand('npm', ['install', '--prefer-offline', '--engine-strict', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], dir, 180_000);
  if (exit.code !== 0) throw new Error(`npm install in ${name} failed (${exit.code ?? exit.signal}):\n${exit.output}`);
  return dir;
}

/** One test of a consumer's own mocha run, from its JSON report. */
export interface ConsumerTest {
  readonly fullTitle: string;
  readonly err?: { message?: string; stack?: string; actual?: unknown; expected?: unknown };
}

export interface ConsumerReport {
  readonly stats: { tests: number; passes: number; pending: number; failures: number };
  readonly passes: ConsumerTest[];
  readonly failures: ConsumerTest[];
  readonly pending: ConsumerTest[];
}

/**
 * Runs the consumer's `npm test` script's mocha with this node, a JSON report written to a file
 * (so the exact titles can be checked), and returns the report and what the run printed.
 */
export async function runConsumerTests(dir: string, mochaArgs: readonly string[], timeoutMs = 120_000): Promise<{ report: ConsumerReport; exit: Exit }> {
  const reportFile = join(dir, 'mocha-report.json');
  const mocha = join(dir, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const exit = await runCommand(process.execPath, [mocha, ...mochaArgs, '--reporter', 'json', '--reporter-option', `output=${reportFile}`], dir, timeoutMs);
  let report: ConsumerReport;
  try {
    report = JSON.parse(await readFile(reportFile, 'utf8')) as ConsumerReport;
  } catch {
    throw new Error(`the consumer's mocha wrote no report (exit ${exit.code ?? exit.signal}):\n${exit.output}`);
  }
  return { report, exit };
}
