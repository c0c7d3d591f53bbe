import Module from 'node:module';
import { expressMajor } from './express-major';

/**
 * Loaded by mocha (`--require`) before any test: every `require('express')` in this process —
 * the packages under test, the tests, third-party code — resolves to the Express major of this
 * run (the `express4` / `express5` aliases installed at the root), exactly as a user's app with
 * that Express installed would.
 */
const target = `express${expressMajor()}`;
type Resolve = (request: string, parent: unknown, isMain: boolean, options: unknown) => string;
const moduleWithResolve = Module as unknown as { _resolveFilename: Resolve };
const resolve = moduleWithResolve._resolveFilename;

moduleWithResolve._resolveFilename = function resolveExpress(request, parent, isMain, options) {
  const mapped = request === 'express' || request.startsWith('express/') ? target + request.slice('express'.length) : request;
  return resolve.call(this, mapped, parent, isMain, options);
};
