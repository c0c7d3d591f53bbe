import { cpus } from 'node:os';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, runScenario, type Row, type Scenario } from './harness';
import { pinSelf } from './pin';

/**
 * `npm run bench [-- <filter>…]`: runs every scenario of bench/scenarios (or those whose name
 * contains a filter), prints each feature's throughput and p99 as a ratio to its baseline, and
 * writes the table to bench/RESULTS.md.
 */
async function main() {
  const filters = process.argv.slice(2);
  const scenarios: Scenario[] = [];
  for (const file of readdirSync(join(__dirname, 'scenarios')).filter((f) => f.endsWith('.ts')).sort()) {
    const module = (await import(join(__dirname, 'scenarios', file))) as { scenarios: Scenario[] };
    scenarios.push(...module.scenarios);
  }
  const selected = scenarios.filter((s) => filters.length === 0 || filters.some((f) => s.name.includes(f)));
  const pinned = pinSelf(1);
  const env = `Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'} · ${pinned ? 'load generator on core 1, servers on core 0' : 'not pinned (no taskset)'}`;
  console.log(`agentway benchmarks — ${env}\n`);
  const rows: Row[] = [];
  for (const scenario of selected) {
    console.log(`${scenario.name} (issue ${scenario.issue})`);
    rows.push(await runScenario(scenario, (line) => console.log(line)));
    const row = rows.at(-1)!;
    console.log(`  → ${row.throughputRatio.toFixed(2)}× throughput${row.p99Ratio === undefined ? '' : `, ${row.p99Ratio.toFixed(2)}× p99`}${verdict(row)}\n`);
  }
  const table = render(rows);
  console.log(table);
  if (filters.length === 0) {
    const file = join(__dirname, 'RESULTS.md');
    writeFileSync(file, `# Benchmark results\n\n${new Date().toISOString().slice(0, 10)} · ${env}\n\n`
      + `Each row runs the baseline and the subject interleaved in the same run (3 rounds${otherRounds(rows)}; medians); the ratio is subject ÷ baseline. `
      + 'Absolute figures drift between runs on these machines; the ratios are what the issues set targets on.\n\n'
      + `${table}\n${otherSections(file)}`);
    console.log('\nwritten to bench/RESULTS.md');
  }
  if (rows.some((r) => r.pass === false)) process.exitCode = 1;
}

/** `, 5 for "…"` for the scenarios that ask for another number of rounds. */
function otherRounds(rows: Row[]): string {
  return rows.filter((r) => (r.scenario.rounds ?? 3) !== 3).map((r) => `, ${r.scenario.rounds} for "${r.scenario.name}"`).join('');
}

/** The `## …` sections other runners wrote into RESULTS.md (`npm run soak`'s), kept as they are. */
function otherSections(file: string): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  const start = text.search(/^## /m);
  return start === -1 ? '' : `\n${text.slice(start)}`;
}

function verdict(row: Row): string {
  if (row.pass === undefined) return '';
  const t = row.scenario.target!;
  const goals = [t.throughput !== undefined ? `≥ ${t.throughput}×` : '', t.p99 !== undefined ? `p99 ≤ ${t.p99}×` : ''].filter(Boolean).join(', ');
  return ` (target ${goals}: ${row.pass ? 'met' : 'MISSED'})`;
}

function render(rows: Row[]): string {
  const lines = [
    '| scenario | issue | baseline | subject | throughput ratio | p99 (baseline → subject) | target | |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const { scenario: s, baseline: b, subject: x } = row;
    const t = s.target;
    const target = t ? [t.throughput !== undefined ? `≥ ${t.throughput}×` : '', t.p99 !== undefined ? `p99 ≤ ${t.p99}×` : ''].filter(Boolean).join(', ') : '—';
    const p99 = b.p99 !== undefined && x.p99 !== undefined ? `${fmt(b.p99)} → ${fmt(x.p99)} ms (${row.p99Ratio!.toFixed(2)}×)` : '—';
    const extra = x.extra ? ` (${Object.entries(x.extra).map(([k, v]) => `${k}: ${v}`).join(', ')})` : '';
    lines.push(`| ${s.name} | #${s.issue} | ${s.baseline.label}: ${fmt(b.throughput)} ${s.unit} | ${s.subject.label}: ${fmt(x.throughput)} ${s.unit}${extra} | **${row.throughputRatio.toFixed(2)}×** | ${p99} | ${target} | ${row.pass === undefined ? '' : row.pass ? '✓' : '✗'} |`);
  }
  return lines.join('\n');
}

void main();
