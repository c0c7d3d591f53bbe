import { readFileSync, writeFileSync } from 'node:fs';
import type { CheckResult } from './checks/common';

/** The results as a Markdown table: one row per check, its figures, and its first failures. */
export function renderTable(results: readonly CheckResult[]): string {
  const lines = ['| check | result | figures |', '|---|---|---|'];
  for (const r of results) {
    const figures = Object.entries(r.figures).map(([k, v]) => `${k}: ${v}`);
    const failures = r.failures.slice(0, 5).map((f) => `✗ ${f}`);
    const cell = [...figures, ...failures].map((s) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join('<br>');
    lines.push(`| ${r.name} | ${r.pass ? '✓ pass' : '✗ FAIL'} | ${cell} |`);
  }
  return lines.join('\n');
}

export interface SoakSection {
  seed: number;
  minutes: string;
  table: string;
  pass: boolean;
}

/** Writes (or replaces) the `## Soak` section of RESULTS.md, leaving the rest of the file as it is. */
export function writeSoakSection(file: string, section: SoakSection): void {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Benchmark results\n';
  }
  const body = [
    '## Soak',
    '',
    `${new Date().toISOString().slice(0, 10)} · Node ${process.version} · seed ${section.seed} · ${section.minutes} min · `
      + `${section.pass ? 'every check passed' : 'FAILED'} · \`npm run soak\` (test/soak/README.md says what each check does and what pass means)`,
    '',
    'Memory per connection is the server\'s heap (after two full GCs) and RSS with every connection open, less the same '
      + 'once idle, divided by the number of connections. "heap before → after" compares the idle server before the '
      + 'check with the same server once the load ended and finished runs expired (pass: within +10 %).',
    '',
    section.table,
    '',
  ].join('\n');
  const start = text.search(/^## Soak$/m);
  let next = -1;
  if (start !== -1) {
    const rest = text.slice(start + '## Soak'.length);
    const offset = rest.search(/^## /m);
    next = offset === -1 ? -1 : start + '## Soak'.length + offset;
  }
  const before = start === -1 ? `${text.trimEnd()}\n\n` : text.slice(0, start);
  const after = next === -1 ? '' : `\n${text.slice(next)}`;
  writeFileSync(file, `${before}${body}${after}`);
}
