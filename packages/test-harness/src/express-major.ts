/** The Express major this test process runs on: `AGENTWAY_EXPRESS=4|5` (default 5). */
export function expressMajor(): 4 | 5 {
  const value = process.env.AGENTWAY_EXPRESS ?? '5';
  if (value !== '4' && value !== '5') {
    throw new TypeError(`[@agentway/test-harness] AGENTWAY_EXPRESS must be 4 or 5, got ${JSON.stringify(value)}`);
  }
  return value === '4' ? 4 : 5;
}
