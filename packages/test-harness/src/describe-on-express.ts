import { createRequire } from 'node:module';
import { expressMajor } from './express-major';
import type { ExpressModule } from './for-each-express';

const requireHere = createRequire(__filename);

/**
 * Declares a suite for one Express major only (an example app written for Express 4, say): it is
 * declared in the pass that runs that major, where everything in the process resolves to it.
 */
export function describeOnExpress(major: 4 | 5, title: string, suite: (express: ExpressModule) => void): void {
  if (expressMajor() !== major) return;
  describe(`${title} on Express ${major}`, () => {
    suite(requireHere('express') as ExpressModule);
  });
}
