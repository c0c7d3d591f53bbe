import type { Agent } from '../agent';
import { clockAgent } from './clock';
import { echoAgent } from './echo';

/** The demo agents of `npm start`, the examples and the end-to-end tests: `echo` (the default) and `clock`. */
export function demoAgents(): Agent[] {
  return [echoAgent(), clockAgent()];
}
