import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { clockAgent, echoAgent, type Agent } from '@agentway/agents';

const requireHere = createRequire(__filename);
const { startChatServer } = requireHere('../server.js') as {
  startChatServer(options: { port?: number; config?: { agents?: Agent[] }; env?: NodeJS.ProcessEnv }): Promise<{ url: string; close(): Promise<void> }>;
};

const NOW = new Date('2030-05-06T07:08:09.000Z');

describe('examples/agui-chat in Chromium', function () {
  this.timeout(30_000);
  let server: Awaited<ReturnType<typeof startChatServer>>;
  let browser: BrowserContext;
  let profile: string;
  let page: Page;

  before(async () => {
    // The echo agent pauses between words, so that the reply arrives (and is drawn) piece by piece.
    server = await startChatServer({ port: 0, config: { agents: [echoAgent({ delay: 25 }), clockAgent({ now: () => NOW })] }, env: {} });
    profile = await mkdtemp(join(tmpdir(), 'agui-chat-chromium-'));
    // A fresh profile directory each run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  beforeEach(async () => {
    page = await browser.newPage();
    const failures: string[] = [];
    page.on('pageerror', (err) => failures.push(err.message));
    await page.goto(server.url);
    await page.locator('#agent option').first().waitFor({ state: 'attached' });
    assert.deepEqual(failures, []);
  });

  afterEach(() => page.close());

  async function send(agent: string, text: string): Promise<void> {
    await page.selectOption('#agent', agent);
    await page.fill('#message', text);
    await page.click('#send');
    await page.locator('#send:not([disabled])').waitFor();
  }

  it('should list the agents and draw the echo reply as it streams in', async () => {
    assert.deepEqual(await page.locator('#agent option').allTextContents(), ['echo', 'clock']);
    // Record every text the reply bubble shows, as the page draws it.
    // (A script string: the tests are type-checked without the DOM library.)
    await page.evaluate(`
      window.seen = [];
      new MutationObserver(() => {
        const reply = document.querySelector('.message.assistant');
        if (reply && reply.textContent !== window.seen.at(-1)) window.seen.push(reply.textContent);
      }).observe(document.getElementById('log'), { subtree: true, childList: true, characterData: true });
    `);
    await send('echo', 'hello from the browser');
    assert.deepEqual(await page.locator('.message').allTextContents(), ['hello from the browser', 'hello from the browser']);
    assert.deepEqual(await page.locator('.message').evaluateAll((els) => els.map((e) => e.className)), ['message user', 'message assistant']);
    const seen = await page.evaluate<string[]>('window.seen');
    assert.equal(seen.at(-1), 'hello from the browser');
    const partial = seen.filter((text) => text !== '' && text !== 'hello from the browser');
    assert.ok(partial.length >= 1 && partial.every((text) => 'hello from the browser'.startsWith(text)), `drawn in pieces: ${JSON.stringify(seen)}`);
  });

  it('should draw the clock agent\'s tool call, its result, then the answer', async () => {
    await send('clock', 'What time is it?');
    const time = NOW.toISOString();
    assert.deepEqual(await page.locator('#log > *').evaluateAll((els) => els.map((e) => [e.className, e.textContent])), [
      ['message user', 'What time is it?'],
      ['message tool-call', `⚙ get_time({"timezone":"UTC"})→ ${time}`],
      ['message assistant', `The time is ${time}.`],
    ]);
    assert.equal(await page.locator('.tool-call .tool-result').textContent(), `→ ${time}`);
  });

  it('should send the conversation back with the next message', async () => {
    await send('echo', 'first');
    await send('echo', 'second');
    assert.deepEqual(await page.locator('.message').allTextContents(), ['first', 'first', 'second', 'second']);
  });
});
