import { delimiter, dirname, relative, isAbsolute } from 'node:path';

/**
 * The environment of an npm or node child process that must behave as in a user's project: no
 * `npm_*` settings inherited from the `npm test` that runs us, no NODE_OPTIONS / NODE_PATH, no
 * node_modules/.bin of this repository on PATH, and this process's node first on PATH (so that
 * `npm run test:lts` installs and runs the consumers on the LTS node too).
 */
export function cleanEnv(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || ['NODE_OPTIONS', 'NODE_PATH', 'NODE_ENV', 'INIT_CWD', 'AGENTWAY_EXPRESS'].includes(key)) continue;
    env[key] = value;
  }
  const inside = (dir: string) => {
    const rel = relative(root, dir);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  const path = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '' && !inside(dir));
  env.PATH = [dirname(process.execPath), ...path].join(delimiter);
  return env;
}
