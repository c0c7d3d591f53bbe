import type Express from 'express';
import { createRequire } from 'node:module';
import { expressMajor } from './express-major';

export type ExpressModule = typeof Express;

const requireHere = createRequire(__filename);

/**
 * Declares an integration suite that runs on Express 4 and on Express 5. Each test process runs
 * on one major (see `register`); `agentway-each-express` runs the suite in both, so the title says
 * which: `describe('openaiCompat() on Express 4')`.
 */
export function forEachExpress(title: string, suite: (express: ExpressModule, major: 4 | 5) => void): void {
  const major = expressMajor();
  describe(`${title} on Express ${major}`, () => {
    suite(requireHere('express') as ExpressModule, major);
  });
}
