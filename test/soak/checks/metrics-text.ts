import { request } from 'node:http';

/** The server's `/metrics`, on a connection of its own. */
export function scrape(base: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/metrics`, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; }).on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}

/** One sample of a Prometheus text exposition (0 when absent). */
export function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** The sum of every sample of a metric (all label sets). */
export function total(text: string, metric: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
