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

function run(major: 4 | 5, extra: string[]): Promise<number> {
  return new Promise((resolve) => {
    process.stdout.write(`\n=== mocha on Express ${major} ${extra.join(' ')}\n`);
    const child = spawn(process.execPath, [mocha, ...extra, ...args], {
      stdio: 'inherit',
      env: { ...process.env, AGENTWAY_EXPRESS: String(major) },
    });
    const timer = setTimeout(() => {
      process.stderr.write(`\n[agentway-each-express] the Express ${major} pass did not exit within ${passTimeoutMs} ms (a handle left open?)\n`);
      child.kill('SIGKILL');
    }, passTimeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main(): Promise<void> {
  const five = await run(5, []);
  const four = await run(4, ['--grep', ' on Express 4']);
  process.stdout.write(`\n=== Express 5: ${five === 0 ? 'passed' : 'FAILED'} · Express 4: ${four === 0 ? 'passed' : 'FAILED'}\n`);
  process.exitCode = five || four;
}

void main();
