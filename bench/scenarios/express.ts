import type { Scenario } from '../harness';
import { httpLoad } from '../http-load';

/** The reference every HTTP feature is compared with: what Express itself costs on this machine. */
export const scenarios: Scenario[] = [{
  name: 'express: bare JSON route vs raw node:http',
  issue: 2,
  unit: 'req/s',
  baseline: { label: 'node:http', run: () => httpLoad({ app: 'express-baseline', side: 'node', path: '/' }) },
  subject: { label: 'express', run: () => httpLoad({ app: 'express-baseline', side: 'express', path: '/' }) },
}];
