import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installConsumer, runCommand, runConsumerTests, type ConsumerReport, type Exit } from './consumers/consumer-project';
import { packWorkspaces, publishablePackages, type Tarball } from './consumers/pack';
import { brokenMaps, manifestProblems, missingEntryPoints, strayFiles, undeclaredRequires, unpack } from './consumers/tarball-contents';
import { attwProblems, publintMessages } from './consumers/tarball-lint';

/**
 * The packages as users get them: `npm pack` of every published package, the tarballs checked
 * (contents, publint, @arethetypeswrong), then installed — not linked — into three projects
 * outside the repository (test/consumers/*), whose own smoke suites must pass.
 */

/** Each consumer's own tests, which must all have passed, and suites (by title prefix) of which at least one test must have passed. */
const CONSUMERS: Record<string, { describe: string; mocha: string[]; build?: string[]; titles: string[]; suites?: string[] }> = {
  'cjs-express4': {
    describe: 'CommonJS, require(), Express 4.22.3',
    mocha: ['test/*.test.js'],
    titles: [
      'cjs-express4 should load every package from its tarball, on Express 4.22.3',
      'cjs-express4 openaiCompat() should 200 a chat completion with the echo agent',
      'cjs-express4 openaiCompat() should 401 without an API key, in the OpenAI error envelope',
      'cjs-express4 aguiStream() should stream a run as AG-UI events',
      'cjs-express4 webhookVerify() should 200 a Stripe delivery signed by signWebhook()',
      'cjs-express4 webhookVerify() should 401 a delivery whose body was changed',
      'cjs-express4 a2aCard() should 200 the A2A 1.0 card of the echo agent',
      'cjs-express4 langstreamGateway() should push a record produced over WebSocket to a consumer',
    ],
  },
  'esm-express5': {
    describe: 'ES modules, import, Express 5.3.0',
    mocha: ['test/*.test.mjs'],
    titles: [
      'esm-express5 should import every package from its tarball, on Express 5.3.0',
      'esm-express5 createGateway() from a YAML file should 200 / with its agents and endpoints, and /healthz',
      'esm-express5 createGateway() from a YAML file should stream a chat completion with the agent of agents.mjs',
      'esm-express5 createGateway() from a YAML file should stream an AG-UI run',
      'esm-express5 createGateway() from a YAML file should produce and consume over its LangStream WebSocket gateway',
      'esm-express5 WebhookRouter should 200 a Standard Webhooks delivery and run its handler from the broker',
      'esm-express5 WebhookRouter should 200 a duplicate delivery without running the handler again',
      'esm-express5 the agentway bin should be installed in node_modules/.bin and print its usage, exit 2, without a command',
    ],
    suites: ['createMemoryBroker() from the tarball conformance'],
  },
  'ts-nodenext': {
    describe: 'TypeScript 5.9.3, module/moduleResolution nodenext, strict, compiled with tsc',
    build: ['node_modules/typescript/bin/tsc', '-p', '.'],
    mocha: ['dist/test/*.test.js'],
    titles: [
      'ts-nodenext should resolve every package to its tarball',
      'ts-nodenext openaiCompat() and aguiStream() on one runtime should 200 a chat completion from a scriptedAgent()',
      'ts-nodenext openaiCompat() and aguiStream() on one runtime should stream the scripted tool call as AG-UI events',
      'ts-nodenext a2aServer() and A2AClient should delegate a task over A2A JSON-RPC and get the echo back',
      'ts-nodenext a2aCard() should 200 the card of a typed agent',
    ],
  },
};

const failuresOf = (report: ConsumerReport) => report.failures.map(({ fullTitle, err = {} }) => [
  `✗ ${fullTitle}`, err.message, err.stack, 'actual' in err ? `actual: ${JSON.stringify(err.actual)}` : '', 'expected' in err ? `expected: ${JSON.stringify(err.expected)}` : '',
].filter(Boolean).join('\n')).join('\n\n');

describe('the packages as users install them', function () {
  this.timeout(300_000);
  let work: string;
  let tarballs: Tarball[];
  /** The three installs run side by side (about 8 s instead of 18 s), while the tarballs are checked. */
  const installs = new Map<string, Promise<string>>();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'agentway-consumers-'));
    tarballs = await packWorkspaces(join(work, 'packs'));
    for (const name of Object.keys(CONSUMERS)) {
      const install = installConsumer(name, tarballs, work);
      install.catch(() => undefined); // reported by the consumer's own before()
      installs.set(name, install);
    }
  });

  after(async () => {
    await Promise.allSettled(installs.values());
    if (work) await rm(work, { recursive: true, force: true });
  });

  const tarball = (name: string) => tarballs.find((t) => t.manifest.name === name)!;

  describe('npm pack', () => {
    for (const { manifest } of publishablePackages()) {
      describe(manifest.name, () => {
        let unpacked: string;
        before(async () => {
          unpacked = await unpack(tarball(manifest.name), join(work, 'unpacked', manifest.name));
        });

        it('should ship package.json, README.md, LICENSE, dist (no build info) and the sources of its maps, nothing else', () => {
          assert.deepEqual(strayFiles(tarball(manifest.name)), []);
          assert.ok(tarball(manifest.name).files.includes('dist/index.js'));
          assert.ok(tarball(manifest.name).files.includes('dist/index.d.ts'));
        });

        it('should point main, types, bin and every exports target at a file it ships', () => {
          assert.deepEqual(missingEntryPoints(tarball(manifest.name)), []);
        });

        it('should ship the source of every source map and declaration map', async () => {
          assert.deepEqual(await brokenMaps(tarball(manifest.name), unpacked), []);
        });

        it('should declare every package its built code loads', async () => {
          assert.deepEqual(await undeclaredRequires(tarball(manifest.name), unpacked), []);
        });

        it('should be a public, MIT, CommonJS package with engines, sideEffects and an exports map', () => {
          assert.deepEqual(manifestProblems(tarball(manifest.name).manifest), []);
        });

        it('should pass publint (strict, suggestions included)', async () => {
          assert.deepEqual(await publintMessages(tarball(manifest.name)), []);
        });

        it('should pass @arethetypeswrong (node10, node16 from CJS and ESM, bundler)', async () => {
          assert.deepEqual(await attwProblems(tarball(manifest.name)), []);
        });
      });
    }
  });

  describe('consumer projects (test/consumers) installing the tarballs', () => {
    for (const [name, consumer] of Object.entries(CONSUMERS)) {
      describe(`${name} (${consumer.describe})`, () => {
        let dir: string;
        before(async () => {
          dir = await installs.get(name)!;
        });

        it(`should pass its ${consumer.titles.length} smoke tests against the installed tarballs`, async () => {
          if (consumer.build) {
            const built: Exit = await runCommand(process.execPath, consumer.build, dir, 120_000);
            assert.equal(built.code, 0, `${consumer.build.join(' ')} failed:\n${built.output}`);
          }
          const { report, exit } = await runConsumerTests(dir, consumer.mocha);
          assert.equal(report.stats.failures, 0, failuresOf(report));
          assert.equal(report.stats.pending, 0, `skipped: ${report.pending.map((t) => t.fullTitle).join(', ')}`);
          assert.equal(exit.code, 0, exit.output);
          const passed = report.passes.map((t) => t.fullTitle);
          assert.deepEqual(consumer.titles.filter((t) => !passed.includes(t)), [], `not run; ran:\n${passed.join('\n')}`);
          for (const suite of consumer.suites ?? []) assert.ok(passed.some((t) => t.startsWith(`${suite} `)), `no test of ${suite} ran`);
        });
      });
    }
  });
});
