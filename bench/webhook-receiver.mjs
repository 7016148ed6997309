// A webhook receiver for bench/run.sh: answers 204 at once and records, per message, how long after the change it
// arrived (receipt time minus data.changedAt, which the database stamps inside the writing transaction).
//   node bench/webhook-receiver.mjs PORT       GET /stats: {"count", "firstMs", "lastMs", "p50", "p99"}; POST /reset
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
let latencies = [];
let first = 0;
let last = 0;

const percentile = (sorted, p) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]);

http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    const sorted = [...latencies].sort((a, b) => a - b);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ count: latencies.length, firstMs: first, lastMs: last, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) }));
    return;
  }
  if (req.method === 'POST' && req.url === '/reset') {
    latencies = []; first = 0; last = 0;
    res.writeHead(204).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const now = Date.now();
    try {
      const changedAt = Date.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')).data?.changedAt);
      if (!Number.isNaN(changedAt)) {
        latencies.push(now - changedAt);
        if (first === 0) first = now;
        last = now;
      }
    } catch { /* a ping or a stray request */ }
    res.writeHead(204).end();
  });
}).listen(port, '127.0.0.1', () => console.log(`receiver listening on ${port}`));
