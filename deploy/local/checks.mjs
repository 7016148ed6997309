// Checks and load for the scaled-out topology (deploy/local/scale.sh runs them). Node 18+ (fetch), no packages.
//   node checks.mjs correctness --replicas URL1,URL2,URL3 --key ADMIN_KEY --victim-key KEY --victim-id ID
//   node checks.mjs limit --lb URL --key NEW_KEY --limit N --window SECONDS
//   node checks.mjs load --url URL --seconds S --concurrency C [--write-key KEY --prefix P] --out FILE
//   node checks.mjs analyze --in FILE [--crash MS --promote MS] [--kill MS]
// Each prints one JSON line of figures; correctness and limit exit 1 when a check fails.
import { writeFileSync, readFileSync } from 'node:fs';

const [command, ...rest] = process.argv.slice(2);
const args = {};
for (let i = 0; i < rest.length; i += 2) args[rest[i].replace(/^--/, '')] = rest[i + 1];

const EVENT = '/api/v1/events/iitu-snu-round-table-2024';
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); console.error(`${ok ? 'ok  ' : 'FAIL'} ${what}`); };

async function send(base, path, { method = 'GET', key, body, headers = {}, contentType = 'application/json' } = {}) {
  const h = { ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  if (body !== undefined) h['content-type'] = contentType;
  const response = await fetch(base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

async function correctness() {
  const replicas = args.replicas.split(',');
  const key = args.key;
  // 1. The same representation has the same ETag on every replica (anonymous reads come from the standby, keyed ones
  // from the primary), and each replica answers 304 to the others' validators.
  for (const [label, opts] of [['anonymous', {}], ['keyed', { key }], ['kk', { headers: { 'accept-language': 'kk' } }]]) {
    for (const path of [EVENT, '/api/v1/events?limit=5', '/api/v1/speakers?limit=3']) {
      const answers = await Promise.all(replicas.map((r) => send(r, path, opts)));
      const tags = new Set(answers.map((a) => a.headers.get('etag')));
      check(answers.every((a) => a.status === 200) && tags.size === 1, `same ETag on ${replicas.length} replicas (${label} ${path}): ${[...tags].join(' ')}`);
      const tag = answers[0].headers.get('etag');
      const revalidated = await Promise.all(replicas.map((r) => send(r, path, { ...opts, headers: { ...(opts.headers ?? {}), 'if-none-match': tag } })));
      check(revalidated.every((a) => a.status === 304), `each replica answers 304 to that ETag (${label} ${path}): ${revalidated.map((a) => a.status).join(',')}`);
    }
  }
  // 2. A revalidation after a write through another replica is a 200, never a stale 304.
  const before = await send(replicas[0], EVENT, { key });
  const etag = before.headers.get('etag');
  const status = before.json().status === 'postponed' ? 'scheduled' : 'postponed';
  const patch = await send(replicas[1], EVENT, { method: 'PATCH', key, body: { status }, contentType: 'application/merge-patch+json', headers: { 'if-match': etag } });
  check(patch.status === 200, `PATCH through replica 2: ${patch.status}`);
  for (const [i, r] of replicas.entries()) {
    const keyed = await send(r, EVENT, { key, headers: { 'if-none-match': etag } });
    check(keyed.status === 200 && keyed.json().status === status, `replica ${i + 1} revalidating the old ETag (keyed): ${keyed.status}`);
    const anonymous = await send(r, EVENT, { headers: { 'if-none-match': etag } });
    check(anonymous.status === 200 && anonymous.json().status === status, `replica ${i + 1} revalidating the old ETag (anonymous): ${anonymous.status}`);
  }
  // 3. An idempotency key replays on every replica; the write happens once.
  const slug = `idem-${Date.now()}`;
  const body = { slug, name: { en: 'Idempotent across replicas' }, kind: 'other' };
  const answers = [];
  for (const r of replicas) answers.push(await send(r, '/api/v1/institutions', { method: 'POST', key, body, headers: { 'idempotency-key': slug } }));
  check(answers.every((a) => a.status === 201) && new Set(answers.map((a) => a.text)).size === 1, `one idempotency key on 3 replicas: ${answers.map((a) => a.status).join(',')}`);
  check(answers.slice(1).every((a) => a.headers.get('idempotent-replayed') === 'true'), 'replicas 2 and 3 replayed the first answer');
  const list = await send(replicas[2], `/api/v1/institutions/${slug}`, { key });
  check(list.status === 200, `the institution exists once: ${list.status}`);
  // 4. A key revoked through one replica is refused at once by every replica.
  const victimKey = args['victim-key'];
  const allowed = await Promise.all(replicas.map((r) => send(r, '/api/v1/webhooks', { key: victimKey })));
  check(allowed.every((a) => a.status === 200), `the key works on every replica: ${allowed.map((a) => a.status).join(',')}`);
  const revoke = await send(replicas[0], `/api/v1/api-keys/${args['victim-id']}`, { method: 'DELETE', key });
  check(revoke.status === 204, `revoked through replica 1: ${revoke.status}`);
  const refused = await Promise.all(replicas.map((r) => send(r, '/api/v1/webhooks', { key: victimKey })));
  check(refused.every((a) => a.status === 401), `refused at once on every replica: ${refused.map((a) => a.status).join(',')}`);
  // 5. The change feed: a cursor from one replica continues on another, and the pages match one replica's.
  const start = (await send(replicas[0], '/api/v1/changes?limit=1')).json();
  const whole = (await send(replicas[2], `/api/v1/changes?limit=1000`)).json();
  let cursor = ''; const hopped = [];
  for (let hop = 0; hop < 200; hop++) {
    const page = (await send(replicas[hop % replicas.length], `/api/v1/changes?limit=25${cursor ? `&cursor=${cursor}` : ''}`)).json();
    hopped.push(...page.items.map((c) => `${c.type}:${c.id}:${c.version}`));
    cursor = page.nextCursor;
    if (!page.hasMore) break;
  }
  check(start.items.length === 1 && JSON.stringify(hopped) === JSON.stringify(whole.items.map((c) => `${c.type}:${c.id}:${c.version}`)) && cursor === whole.nextCursor,
    `the change feed paged across replicas equals one replica's (${hopped.length} changes)`);
  console.log(JSON.stringify({ checks: 'correctness', failed: failures.length }));
  process.exit(failures.length ? 1 : 0);
}

async function limit() {
  const n = Number(args.limit);
  // A key never used before, and all its requests in one window: windows are aligned to the clock, so wait for the
  // next one when fewer than 15 s are left in this one.
  const window = Number(args.window ?? 60);
  const left = window - (Math.floor(Date.now() / 1000) % window);
  if (left < 15) await new Promise((r) => setTimeout(r, (left + 1) * 1000));
  const statuses = {}; const servedBy = {}; let countdown = true;
  for (let i = 0; i < n + 10; i++) {
    const a = await send(args.lb, '/api/v1/themes', { key: args.key });
    statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    const by = a.headers.get('x-served-by'); servedBy[by] = (servedBy[by] ?? 0) + 1;
    // Every answer counts the requests the other replicas took: the allowance left goes n-1, n-2, ... 0, then 0.
    const remaining = Number(/r=(\d+)/.exec(a.headers.get('ratelimit') ?? '')?.[1]);
    if (remaining !== Math.max(0, n - 1 - i)) countdown = false;
  }
  const ok = statuses[429] === 10 && statuses[200] === n && countdown;
  console.error(`${ok ? 'ok  ' : 'FAIL'} limit ${n}: ${n + 10} requests over ${Object.keys(servedBy).length} replicas (${JSON.stringify(servedBy)}) gave ${JSON.stringify(statuses)}; RateLimit counted down across replicas: ${countdown}`);
  console.log(JSON.stringify({ checks: 'limit', limit: n, sent: n + 10, statuses, servedBy }));
  process.exit(ok ? 0 : 1);
}

async function load() {
  const url = args.url; const until = Date.now() + Number(args.seconds) * 1000;
  const concurrency = Number(args.concurrency ?? 8);
  const writeKey = args['write-key']; const prefix = args.prefix ?? `load-${Date.now()}`;
  const events = []; // [ms, kind, status] (status 0: no answer)
  const acknowledged = [];
  let n = 0;
  async function worker(w) {
    while (Date.now() < until) {
      const write = writeKey && w % 2 === 0;
      const t0 = Date.now();
      let status = 0;
      try {
        if (write) {
          const slug = `${prefix}-${n++}`;
          const a = await send(url, '/api/v1/institutions', { method: 'POST', key: writeKey, body: { slug, name: { en: slug }, kind: 'other' } });
          status = a.status;
          if (status === 201) acknowledged.push(slug);
        } else {
          status = (await send(url, EVENT)).status;
        }
      } catch { status = 0; }
      events.push([Date.now(), write ? 'write' : 'read', status, Date.now() - t0]);
      if (write) await new Promise((r) => setTimeout(r, 10));
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  writeFileSync(args.out, JSON.stringify({ events, acknowledged }));
  console.log(JSON.stringify({ requests: events.length }));
}

function analyze() {
  const { events, acknowledged } = JSON.parse(readFileSync(args.in, 'utf8'));
  const count = (kind) => {
    const byStatus = {};
    for (const [, k, s] of events) if (k === kind) byStatus[s] = (byStatus[s] ?? 0) + 1;
    return byStatus;
  };
  const result = { requests: events.length, reads: count('read'), writes: count('write'), acknowledged: acknowledged.length };
  if (args.crash) {
    const crash = Number(args.crash); const promote = Number(args.promote);
    const writes = events.filter(([, k]) => k === 'write').sort((a, b) => a[0] - b[0]);
    // The outage as clients saw it: from the last write acknowledged before the first refused one (after the crash;
    // writes in flight while the server was being killed may still have succeeded) to the first acknowledged after.
    const firstRefused = writes.find(([t, , s]) => s !== 201 && t > crash);
    const lastOkBefore = firstRefused && writes.filter(([t, , s]) => s === 201 && t <= firstRefused[0]).at(-1)?.[0];
    const firstOkAfter = firstRefused && writes.find(([t, , s]) => s === 201 && t > firstRefused[0])?.[0];
    const refused = writes.filter(([t, , s]) => s !== 201 && t > crash);
    result.failover = {
      writesRefusedMs: firstOkAfter && lastOkBefore ? firstOkAfter - lastOkBefore : null,
      crashToFirstRefusalMs: firstRefused ? firstRefused[0] - crash : null,
      promoteToFirstWriteMs: firstOkAfter ? firstOkAfter - promote : null,
      refusedByStatus: refused.reduce((m, [, , s]) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}),
      unexpected: events.filter(([t, , s]) => t > crash && ![200, 201, 503].includes(s)).reduce((m, [, k, s]) => ({ ...m, [`${k} ${s}`]: (m[`${k} ${s}`] ?? 0) + 1 }), {}),
      readsFailedDuring: events.filter(([t, k, s]) => k === 'read' && s !== 200 && t > crash).length,
    };
  }
  if (args.kill) {
    const kill = Number(args.kill);
    const failed = events.filter(([, , s]) => s !== 200 && s !== 201);
    result.kill = { failed: failed.length, failedAfterKill: failed.filter(([t]) => t >= kill).length, maxLatencyAfterKillMs: Math.max(0, ...events.filter(([t]) => t >= kill).map((e) => e[3])) };
  }
  console.log(JSON.stringify(result));
}

const commands = { correctness, limit, load, analyze };
if (!commands[command]) { console.error(`unknown command ${command}`); process.exit(2); }
await commands[command]();
