/**
 * The benchmark harness: each scenario measures a feature and its baseline side by side, in
 * the same run, interleaved round by round, and reports the ratio (speed is relative: the
 * absolute figures drift ±25% between runs on these machines, the ratios hold).
 */

export interface Result {
  /** Operations per second (requests, records, streams, events, runs). */
  throughput: number;
  /** 99th percentile latency in ms, where it applies. */
  p99?: number;
  /** Anything else worth reporting (memory per connection, …). */
  extra?: Record<string, string | number>;
}

export interface Side {
  label: string;
  run(): Promise<Result>;
}

export interface Scenario {
  /** `feature: what` — e.g. `broker: memory publish→subscribe`. */
  name: string;
  /** The issue whose speed target this is. */
  issue: number;
  /** Unit of throughput: `req/s`, `records/s`, `streams/s`, `runs/s`. */
  unit: string;
  /** Targets as ratios to the baseline: throughput at least, p99 at most. */
  target?: { throughput?: number; p99?: number };
  baseline: Side;
  subject: Side;
  /** Rounds of (baseline, subject); the median of each is kept. Default 3. */
  rounds?: number;
}

export interface Row {
  scenario: Scenario;
  baseline: Result;
  subject: Result;
  throughputRatio: number;
  p99Ratio: number | undefined;
  pass: boolean | undefined;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function combine(results: Result[]): Result {
  const p99s = results.map((r) => r.p99).filter((v): v is number => v !== undefined);
  const last = results.at(-1)!;
  return {
    throughput: median(results.map((r) => r.throughput)),
    ...(p99s.length > 0 && { p99: median(p99s) }),
    ...(last.extra && { extra: last.extra }),
  };
}

export async function runScenario(scenario: Scenario, log: (line: string) => void): Promise<Row> {
  const rounds = scenario.rounds ?? 3;
  const baseline: Result[] = [];
  const subject: Result[] = [];
  for (let round = 1; round <= rounds; round++) {
    baseline.push(await scenario.baseline.run());
    subject.push(await scenario.subject.run());
    log(`  round ${round}/${rounds}: ${scenario.baseline.label} ${fmt(baseline.at(-1)!.throughput)} · ${scenario.subject.label} ${fmt(subject.at(-1)!.throughput)} ${scenario.unit}`);
  }
  const b = combine(baseline);
  const s = combine(subject);
  const throughputRatio = s.throughput / b.throughput;
  const p99Ratio = s.p99 !== undefined && b.p99 !== undefined && b.p99 > 0 ? s.p99 / b.p99 : undefined;
  const { target } = scenario;
  const pass = target === undefined ? undefined
    : (target.throughput === undefined || throughputRatio >= target.throughput)
      && (target.p99 === undefined || p99Ratio === undefined || p99Ratio <= target.p99);
  return { scenario, baseline: b, subject: s, throughputRatio, p99Ratio, pass };
}

export function fmt(n: number): string {
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(n >= 10 ? 1 : 2);
}
