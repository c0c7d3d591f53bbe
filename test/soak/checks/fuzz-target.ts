import type { Exchanger } from './exchange';
import type { Mutator } from './mutate';

/** How one malformed case was answered: refused in the protocol's shape, accepted (it happened to be valid), or wrongly. */
export type Judged = { readonly verdict: 'refused' | 'accepted' } | { readonly verdict: 'wrong'; readonly problem: string };

export const refused: Judged = Object.freeze({ verdict: 'refused' });
export const accepted: Judged = Object.freeze({ verdict: 'accepted' });
export const wrong = (problem: string): Judged => ({ verdict: 'wrong', problem });

/** What a target's cases get: the server's URL, a bounded HTTP client, and the seeded mutator of this target. */
export interface FuzzContext {
  readonly base: string;
  readonly exchanger: Exchanger;
  readonly m: Mutator;
}

/** One parser under fuzz: `run` makes case number `i` (from the context's mutator) and judges its answer. */
export interface FuzzTarget {
  readonly name: string;
  /** Cases run at once (1: in order, on one connection). */
  readonly concurrency: number;
  /** Set up before the first case (a socket), torn down after the last. */
  open?(base: string): Promise<void>;
  close?(): Promise<void>;
  run(ctx: FuzzContext, i: number): Promise<Judged>;
}
