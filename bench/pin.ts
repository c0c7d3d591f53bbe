import { execFileSync } from 'node:child_process';

let taskset: boolean | undefined;

function hasTaskset(): boolean {
  if (taskset === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      taskset = true;
    } catch {
      taskset = false;
    }
  }
  return taskset;
}

/** A command pinned to one core with taskset, where taskset exists (server and load on different cores). */
export function pin(core: number, command: string[]): [string, string[]] {
  return hasTaskset() ? ['taskset', ['-c', String(core), ...command]] : [command[0]!, command.slice(1)];
}

/** Pins this process (the load generator) to a core. */
export function pinSelf(core: number): boolean {
  if (!hasTaskset()) return false;
  execFileSync('taskset', ['-cp', String(core), String(process.pid)], { stdio: 'ignore' });
  return true;
}
