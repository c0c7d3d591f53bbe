import type { SoakServer } from '../soak-server';
import { baseline, Check, pool, rng, settle, type CheckResult } from './common';
import { Exchanger } from './exchange';
import { gatewayConfigs, manifests } from './fuzz-config';
import { a2aRpc, aguiInput, aguiQuery, openaiChat, openaiResponses, stripeWebhook } from './fuzz-http';
import { binaryFrame, langstreamFrames, langstreamQuery } from './fuzz-langstream';
import type { FuzzTarget, Judged } from './fuzz-target';
import { Mutator } from './mutate';

export interface FuzzSize {
  /** Cases per parser. */
  cases: number;
  /** The run's seed (SOAK_SEED): case `i` of a parser depends on it, the parser's name and `i` only. */
  seed: number;
}

/** FNV-1a of a text, mixed into the seed so that each parser and case has its own stream. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The mutator of case `i` of `target`: replayable on its own. */
export function caseMutator(seed: number, target: string, i: number): Mutator {
  return new Mutator(rng((seed ^ hash(`${target}#${i}`)) >>> 0));
}

/**
 * Malformed input at every parser, `cases` each, seeded: OpenAI chat and responses bodies, AG-UI
 * RunAgentInput bodies and stream query strings, A2A JSON-RPC bodies, Stripe webhook bodies and
 * signatures, LangStream produce frames and query strings over HTTP, and — in this process —
 * LangStream manifests and gateway configs. Each HTTP answer is a 2xx (the input happened to be
 * valid) or a 4xx in the protocol's own shape, never a 5xx, a stack trace or a hang; each refused
 * config or manifest a coded error. The server must then settle with no error-level log line.
 */
export async function fuzz(server: SoakServer, size: FuzzSize): Promise<CheckResult> {
  const check = new Check(`malformed input, ${size.cases} cases per parser (seed ${size.seed})`);
  const exchanger = new Exchanger(server.url, 10_000);
  const targets: FuzzTarget[] = [openaiChat, openaiResponses, aguiInput, aguiQuery, a2aRpc, stripeWebhook,
    langstreamFrames(), langstreamQuery, manifests, gatewayConfigs()];
  // A pass of other cases first (not judged): the error paths' code is compiled once, on first use,
  // and stays — not counted as growth. A leak grows again with the judged pass.
  const warm = new Check('warm-up');
  await pass(warm, server.url, exchanger, targets, Math.min(size.cases, 100), (size.seed + 1) >>> 0);
  const start = await baseline(server);
  await pass(check, server.url, exchanger, targets, size.cases, size.seed);
  const binary = await binaryFrame(server.url);
  check.expect(binary.verdict === 'refused', `LangStream: ${binary.verdict === 'wrong' ? binary.problem : ''}`);
  exchanger.close();
  await settle(check, server, start);
  return check.result();
}

/** `cases` cases of every target, recorded in `check`. */
async function pass(check: Check, base: string, exchanger: Exchanger, targets: readonly FuzzTarget[], cases: number, seed: number): Promise<void> {
  for (const target of targets) {
    const tally = { refused: 0, accepted: 0, wrong: 0 };
    await target.open?.(base);
    try {
      await pool(Array.from({ length: cases }, (_, i) => i), target.concurrency, async (i) => {
        let judged: Judged;
        try {
          judged = await target.run({ base, exchanger, m: caseMutator(seed, target.name, i) }, i);
        } catch (err) {
          judged = { verdict: 'wrong', problem: `the case itself failed: ${(err as Error).stack ?? String(err)}` };
        }
        tally[judged.verdict]++;
        if (judged.verdict === 'wrong') check.expect(false, `${target.name}, case ${i}: ${judged.problem}`);
      });
    } finally {
      await target.close?.();
    }
    check.figure(target.name, `${tally.refused} refused, ${tally.accepted} accepted${tally.wrong ? `, ${tally.wrong} WRONG` : ''}`);
  }
}
