import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import request from 'supertest';
import { describeOnExpress, expressMajor, forEachExpress } from '@agentway/test-harness';

forEachExpress('the test harness', (express, major) => {
  it('should hand the suite the Express major of this run', () => {
    assert.equal(major, expressMajor());
    const version = (createRequire(__filename)('express/package.json') as { version: string }).version;
    assert.equal(version.split('.')[0], String(major));
  });

  it('should serve through the Express of this run (Express 5 rejects a bare "*" path)', async () => {
    const app = express();
    if (major === 4) {
      app.get('*', (_req, res) => res.send('four'));
      await request(app).get('/anything').expect(200, 'four');
    } else {
      assert.throws(() => app.get('*', (_req, res) => res.send('five')), /Missing parameter name/);
    }
  });
});

describeOnExpress(4, 'a suite for Express 4 only', (express) => {
  it('should be declared only in the Express 4 pass', () => {
    assert.equal(expressMajor(), 4);
    assert.equal(typeof express.Router, 'function');
  });
});
