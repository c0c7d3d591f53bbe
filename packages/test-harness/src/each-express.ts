#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * `agentway-each-express [mocha args…]`: runs the whole mocha suite on Express 5, then the
 * suites declared with `forEachExpress()` again on Express 4. Exits non-zero if either fails.
 * Each pass must exit by itself (no `--exit`): a timer or socket left open fails the run.
 */
const mocha = createRequire(__filename).resolve('mocha/bin/mocha.js');
const args = process.argv.slice(2);
const passTimeoutMs = Number(process.env.AGENTWAY_TEST_TIMEOUT_MS ?? 20 * 60_000);

/** What a pass printed from mocha's `N failing` line on: repeated at the end, where a CI log's tail shows it. */
const failures: string[] = [];

function run(major: 4 | 5, extra: string[]): Promise<number> {
  return new Promise((resolve) => {
    process.stdout.write(`\n=== mocha on Express ${major} ${extra.join(' ')}\n`);
    const child = spawn(process.execPath, [mocha, ...extra, ...args], {
      stdio: ['inherit', 'pipe', 'pipe'],
      env: { ...process.env, AGENTWAY_EXPRESS: String(major) },
    });
    let printed = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      printed += chunk.toString();
      // Keep the tail only: the summary and the failures come last.
      if (printed.length > 2_000_000) printed = printed.slice(-1_000_000);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      errors = (errors + chunk.toString()).slice(-4_000);
    });
    const timer = setTimeout(() => {
      process.stderr.write(`\n[agentway-each-express] the Express ${major} pass did not exit within ${passTimeoutMs} ms (a handle left open?)\n`);
      child.kill('SIGKILL');
    }, passTimeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const status = code ?? (signal ? 1 : 0);
      const failing = /^ {2}\d+ failing$/m.exec(printed);
      if (failing) failures.push(`--- Express ${major}: ${printed.slice(failing.index).trim()}`);
      else if (status !== 0) {
        failures.push(`--- Express ${major}: mocha exited with ${signal ?? code} and no failing test; the end of its output:\n`
          + `${printed.slice(-3_000).trim()}\n--- its stderr:\n${errors.trim()}`);
      }
      resolve(status);
    });
  });
}

async function main(): Promise<void> {
  const five = await run(5, []);
  const four = await run(4, ['--grep', ' on Express 4']);
  if (failures.length > 0) process.stdout.write(`\n=== the failures again\n${failures.join('\n\n')}\n`);
  process.stdout.write(`\n=== Express 5: ${five === 0 ? 'passed' : 'FAILED'} · Express 4: ${four === 0 ? 'passed' : 'FAILED'}\n`);
  process.exitCode = five || four;
}

void main();
