import assert from 'node:assert/strict';
import { arrayOf, checkOptions, didYouMean, number, object, oneOf, required, string } from '@agentway/options';

describe('checkOptions()', () => {
  const schema = {
    name: required(string({ nonEmpty: true })),
    retries: number({ min: 0, integer: true }),
    mode: oneOf('a', 'b'),
    tags: arrayOf(string()),
    nested: object({ limit: number({ min: 1 }) }),
  };

  it('should return the checked options, leaving unset ones undefined', () => {
    assert.deepEqual(checkOptions('demo', { name: 'x', tags: ['t'] }, schema), { name: 'x', tags: ['t'] });
  });

  it('should throw ERR_<PKG>_UNKNOWN_OPTION with a did-you-mean hint', () => {
    assert.throws(() => checkOptions('openai-compat', { name: 'x', retires: 1 }, schema), {
      name: 'TypeError',
      code: 'ERR_OPENAI_COMPAT_UNKNOWN_OPTION',
      option: 'retires',
      message: '[@agentway/openai-compat] unknown option "retires"; did you mean "retries"?',
    });
  });

  it('should list the known options when no key is close', () => {
    assert.throws(() => checkOptions('demo', { name: 'x', zzzzzz: 1 }, schema), {
      message: '[@agentway/demo] unknown option "zzzzzz"; known options: name, retries, mode, tags, nested',
    });
  });

  it('should name nested and array paths in errors', () => {
    assert.throws(() => checkOptions('demo', { name: 'x', nested: { limit: 0 } }, schema), {
      code: 'ERR_DEMO_INVALID_OPTION', message: '[@agentway/demo] option "nested.limit" must be a number >= 1, got 0',
    });
    assert.throws(() => checkOptions('demo', { name: 'x', tags: ['ok', 3] }, schema), {
      message: '[@agentway/demo] option "tags[1]" must be a string, got 3',
    });
    assert.throws(() => checkOptions('demo', { name: 'x', nested: { limt: 1 } }, schema), {
      code: 'ERR_DEMO_UNKNOWN_OPTION', message: '[@agentway/demo] unknown option "nested.limt"; did you mean "limit"?',
    });
  });

  it('should give the range of a number bounded on both sides', () => {
    assert.throws(() => checkOptions('demo', { port: 70000 }, { port: number({ min: 0, max: 65535, integer: true }) }), {
      code: 'ERR_DEMO_INVALID_OPTION', message: '[@agentway/demo] option "port" must be an integer from 0 to 65535, got 70000',
    });
  });

  it('should throw ERR_<PKG>_MISSING_OPTION for a required option', () => {
    assert.throws(() => checkOptions('demo', {}, schema), {
      code: 'ERR_DEMO_MISSING_OPTION', message: '[@agentway/demo] option "name" is required',
    });
  });

  it('should refuse options that are not a plain object', () => {
    assert.throws(() => checkOptions('demo', 'name', schema), { message: '[@agentway/demo] options must be an object, got "name"' });
  });

  it('should describe enumerations and integers', () => {
    assert.throws(() => checkOptions('demo', { name: 'x', mode: 'c' }, schema), { message: '[@agentway/demo] option "mode" must be one of "a", "b", got "c"' });
    assert.throws(() => checkOptions('demo', { name: 'x', retries: 1.5 }, schema), { message: '[@agentway/demo] option "retries" must be an integer >= 0, got 1.5' });
  });
});

describe('didYouMean()', () => {
  it('should count a swap of neighbours as one typo', () => {
    assert.equal(didYouMean('mdoe', ['mode', 'agents']), 'mode');
    assert.equal(didYouMean('brokr', ['broker']), 'broker');
    assert.equal(didYouMean('xyz', ['broker']), undefined);
  });
});
