/**
 * The benchmark's service for the leak check on a big heap: an HTTP server holding ~400 MB of
 * small records (a plausible in-memory catalogue), which leaks a little on every request: each
 * request's visit is remembered, in a few entries, in a module-level Map nobody prunes.
 *   node out/bench/leakService.js [records]     prints `listening <port>` once it serves
 * The leak is ~2.5 kB per request; `leakscope attach` drives it with --workload-url.
 */
import { createServer } from 'node:http';

const RECORDS = Number(process.argv[2] ?? 1_000_000);
const CITIES = ['Lisbon', 'Oslo', 'Austin', 'Osaka', 'Lagos', 'Lima', 'Perth', 'Graz'];

interface CatalogueRecord {
  id: number;
  sku: string;
  title: string;
  price: number;
  tags: string[];
  origin: { city: string; warehouse: string };
  updatedAt: number;
}

const catalogue: CatalogueRecord[] = [];
for (let i = 0; i < RECORDS; i++) {
  catalogue.push({
    id: i,
    sku: `SKU-${i.toString(36).padStart(8, '0')}`,
    title: `Item ${i} of the spring collection, size ${i % 7}`,
    price: Math.round(((i * 7919) % 100_000) + 0.99) / 100,
    tags: [`t${i % 97}`, `batch-${(i / 1000) | 0}`],
    origin: { city: CITIES[i % CITIES.length], warehouse: `WH-${(i % 211).toString(16)}` },
    updatedAt: 1_700_000_000_000 + i,
  });
}

/** The leak: visits by key, added on every request, never removed. */
const visits = new Map<string, { at: number; path: string; agent: string; trail: string[] }>();
let served = 0;

function recordVisit(path: string, agent: string): void {
  for (let k = 0; k < 5; k++) {
    visits.set(`${served}:${k}`, {
      at: Date.now(),
      path,
      agent: `${agent} #${served}`,
      trail: [`${path}?step=${k}`, `visit-${served}-${k}`.repeat(8)],
    });
  }
}

const server = createServer((req, res) => {
  served++;
  const item = catalogue[(served * 7919) % catalogue.length];
  recordVisit(req.url ?? '/', req.headers['user-agent'] ?? 'unknown');
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ id: item.id, sku: item.sku, price: item.price }));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
