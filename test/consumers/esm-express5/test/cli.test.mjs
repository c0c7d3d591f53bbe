import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

describe('esm-express5', () => {
  describe('the agentway bin', () => {
    it('should be installed in node_modules/.bin and print its usage, exit 2, without a command', async () => {
      const bin = fileURLToPath(new URL('../node_modules/.bin/agentway', import.meta.url));
      const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (chunk) => { out += chunk; });
      assert.deepEqual(await once(child, 'exit'), [2, null]);
      assert.match(out, /^Usage: agentway serve/);
    });
  });
});
