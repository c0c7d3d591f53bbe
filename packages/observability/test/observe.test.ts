import assert from 'node:assert/strict';
import { channel } from 'node:diagnostics_channel';
import { CHANNEL_NAMES, channels, observe } from '@agentway/observability';

describe('channels', () => {
  it('should be the named diagnostics channels, without subscribers by default', () => {
    assert.deepEqual(Object.values(CHANNEL_NAMES), [
      'agentway:run:start', 'agentway:run:end', 'agentway:sse:open', 'agentway:sse:close',
      'agentway:ws:open', 'agentway:ws:close', 'agentway:webhook:delivery', 'agentway:broker:lag',
    ]);
    for (const [key, name] of Object.entries(CHANNEL_NAMES)) {
      assert.equal(channels[key as keyof typeof CHANNEL_NAMES], channel(name));
      assert.equal(channel(name).hasSubscribers, false);
    }
  });
});

describe('observe()', () => {
  it('should subscribe only the listeners given, and unsubscribe them (once) with the function it returns', () => {
    const seen: unknown[] = [];
    const stop = observe({ runEnd: (m) => seen.push(['end', m]), streamOpen: (m) => seen.push(['open', m]) });
    assert.equal(channels.runEnd.hasSubscribers, true);
    assert.equal(channels.streamOpen.hasSubscribers, true);
    assert.equal(channels.runStart.hasSubscribers, false);
    channels.runEnd.publish({ runId: 'run_1', agent: 'echo', outcome: 'completed', duration: 3 });
    channels.streamOpen.publish({ protocol: 'agui' });
    stop();
    stop();
    assert.equal(channels.runEnd.hasSubscribers, false);
    assert.equal(channels.streamOpen.hasSubscribers, false);
    channels.runEnd.publish({ runId: 'run_2', agent: 'echo', outcome: 'completed', duration: 3 });
    assert.deepEqual(seen, [
      ['end', { runId: 'run_1', agent: 'echo', outcome: 'completed', duration: 3 }],
      ['open', { protocol: 'agui' }],
    ]);
  });
});
