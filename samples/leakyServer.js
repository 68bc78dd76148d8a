// A small order service with two classic leaks, for `leakscope demo`:
// every request leaves an entry in a module-level cache that nothing evicts,
// and a "recent requests" window that is pushed to but never trimmed.
'use strict';
const http = require('node:http');

class OrderSummary {
  constructor(id, items) {
    this.id = id;
    this.items = items;
    this.total = items.reduce((sum, item) => sum + item.price * item.quantity, 0);
    this.renderedAt = new Date().toISOString();
  }
}

const summaryCache = new Map();
const recentRequests = [];
const RECENT_WINDOW = 100; // meant to bound recentRequests, but nothing trims it

function loadOrder(id) {
  const items = [];
  for (let i = 0; i < 5; i++) items.push({ sku: `SKU-${id}-${i}`, price: 10 + i, quantity: 1 + (id % 3) });
  return items;
}

function handleOrder(req, res, id) {
  let summary = summaryCache.get(id);
  if (!summary) {
    summary = new OrderSummary(id, loadOrder(id));
    summaryCache.set(id, summary);
  }
  recentRequests.push({ url: req.url, at: Date.now(), headers: { ...req.headers } });
  void RECENT_WINDOW;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ id, total: summary.total }));
}

let nextId = 0;
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/health') return res.end('ok');
  if (url.pathname === '/orders') return handleOrder(req, res, url.searchParams.get('id') ?? String(nextId++));
  res.statusCode = 404;
  res.end();
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`order service listening on http://127.0.0.1:${server.address().port}`);
});
