import assert from 'node:assert/strict';
import { createMemoryBroker } from '@agentway/broker';
import { langstreamGateway, readManifest, type LangStreamGatewayOptions } from '@agentway/langstream-gateway';

const broker = createMemoryBroker();
const produce = (extra: object = {}) => ({ gateways: [{ id: 'in', type: 'produce', topic: 'in', ...extra }] });
const start = (options: Partial<LangStreamGatewayOptions>) => langstreamGateway({ broker, ...options } as LangStreamGatewayOptions);

describe('langstreamGateway() options', () => {
  after(() => broker.close());

  it('should reject unknown, missing and mistyped options at construction', () => {
    assert.throws(() => start({ manifest: produce(), pingIntervall: 1 } as never), {
      name: 'TypeError', code: 'ERR_LANGSTREAM_GATEWAY_UNKNOWN_OPTION',
      message: '[@agentway/langstream-gateway] unknown option "pingIntervall"; did you mean "pingInterval"?',
    });
    assert.throws(() => langstreamGateway({} as never), { code: 'ERR_LANGSTREAM_GATEWAY_MISSING_OPTION', message: /option "broker" is required/ });
    assert.throws(() => start({ valueFormat: 'xml' as never }), { code: 'ERR_LANGSTREAM_GATEWAY_INVALID_OPTION', message: /option "valueFormat" must be one of "text", "json"/ });
    assert.throws(() => start({ tenants: { t: { applications: { a: { manifest: produce(), topics: 'in' as never } } } } }), {
      code: 'ERR_LANGSTREAM_GATEWAY_INVALID_OPTION', message: /option "tenants\.t\.applications\.a\.topics" must be an array/,
    });
    assert.throws(() => start({ manifest: produce(), tenants: {} }), { code: 'ERR_LANGSTREAM_GATEWAY_INVALID_OPTION' });
    assert.throws(() => start({ tenant: 'x' }), { code: 'ERR_LANGSTREAM_GATEWAY_INVALID_OPTION' });
  });

  it('should refuse a manifest at start-up with LangStream\'s message and where it is', () => {
    assert.throws(() => start({ tenants: { acme: { applications: { bot: { manifest: { gateways: [{ id: 'c', type: 'chat' }] } } } } } }), {
      code: 'ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST',
      message: '[@agentway/langstream-gateway] tenant "acme", application "bot", gateway "c": Gateway of type \'chat\' must have chat-options',
    });
  });

  it('should check topics against the application\'s declared topics and the broker\'s rules', () => {
    assert.throws(() => start({ tenants: { t: { applications: { a: { manifest: produce({ 'events-topic': 'events' }), topics: ['in'] } } } } }), {
      message: /gateway "in": Topic events is not defined in any module of the application$/,
    });
    assert.throws(() => start({ manifest: produce({ topic: 'has space' }) }), { message: /Topic has space: topic must be a non-empty string/ });
    assert.throws(() => start({ manifest: { gateways: [{ id: 'in', type: 'consume' }] } }), { message: /Gateway of type 'consume' must have topic$/ });
    assert.equal(start({ tenants: { t: { applications: { a: { manifest: produce(), topics: ['in'] } } } } }).endpoints.length, 2);
  });

  it('should check authentication providers and their configuration at start-up', () => {
    assert.throws(() => start({ manifest: produce({ authentication: { provider: 'ldap' } }) }), {
      code: 'ERR_LANGSTREAM_GATEWAY_INVALID_AUTH_CONFIG', message: /gateway "in": No GatewayAuthenticationProvider found for type ldap$/,
    });
    assert.throws(() => start({ manifest: produce({ authentication: { provider: 'google', configuration: {} } }) }), {
      message: /gateway "in", google authentication: clientId is required for Google Authentication\.$/,
    });
    assert.throws(() => start({ manifest: produce({ authentication: { provider: 'http', configuration: { 'base-url': 'http://x', pathTemplat: '/' } } }) }), {
      message: /http authentication: unknown configuration key "pathTemplat"; did you mean "pathTemplate"\?$/,
    });
    assert.throws(() => start({ manifest: produce({ authentication: { provider: 'jwt', configuration: { secretKey: 'c2VjcmV0', audienceClaim: 'aud' } } }) }), {
      message: /Token Audience Claim \[aud\] configured, but Audience stands for this broker not\.$/,
    });
    assert.throws(() => start({ manifest: produce(), testAuth: { provider: 'nope' } }), { message: /testAuth: No GatewayAuthenticationProvider found for type nope$/ });
    assert.throws(() => start({ manifest: produce(), requireAuthentication: true }), { message: /Gateway in is missing authentication$/ });
  });

  it('should refuse a service gateway whose agent is neither a URL nor an agent of the runtime', () => {
    assert.throws(() => start({ manifest: { gateways: [{ id: 's', type: 'service', 'service-options': { 'agent-id': 'ghost' } }] } }), {
      message: /agent ghost is neither in the application's "agents" \(a URL\) nor an agent of the runtime$/,
    });
  });

  it('should name the file it cannot read', () => {
    assert.throws(() => readManifest('/nowhere/gateways.yaml'), { code: 'ERR_LANGSTREAM_GATEWAY_MANIFEST_FILE', message: /^\[@agentway\/langstream-gateway\] \/nowhere\/gateways.yaml: cannot read the manifest/ });
  });

  it('should list its endpoints', () => {
    const gateway = start({ manifest: { gateways: [{ id: 'in', type: 'produce', topic: 'x' }, { id: 's', type: 'service', 'service-options': { 'input-topic': 'a', 'output-topic': 'b' } }] } });
    assert.deepEqual(gateway.endpoints, [
      'WS /v1/produce/default/default/in', 'POST /api/gateways/produce/default/default/in', 'POST /api/gateways/service/default/default/s',
    ]);
  });
});
