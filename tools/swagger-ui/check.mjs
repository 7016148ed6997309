// Swagger UI's "Try it out", as a reader clicks it: in Chromium (puppeteer-core driving /usr/bin/chromium), open
// /swagger, authorize with a key, and for every operation expand it, press "Try it out" and "Execute" with what
// Swagger UI pre-filled from the contract's examples. Reads go first; then the writes in the order a reader tries
// them (create, replace, patch, each relation's add, replace and patch, removals, deletes). The one value a reader
// types is a relation entry's itemId (made by the add, so the contract cannot give it): it is taken from the
// parent's representation, as the parameter's description says. Every answer must be a 2xx.
//
// Swagger UI resolves an operation's schemas when it is opened: about 4-5 s each on a 2-core machine for this
// contract, so CI tries a representative set (the reads that need an example to run at all: every item GET and
// every required parameter; and every write of the events family, relations included); --all tries every
// operation (about 10 minutes). Every example is executed on every test run by OperationExampleTests.
//
// ROUNDTABLE_URL=http://localhost:5099 ROUNDTABLE_KEY=rt_... node check.mjs [--all]
import puppeteer from 'puppeteer-core';

const base = process.env.ROUNDTABLE_URL ?? 'http://localhost:5099';
const key = process.env.ROUNDTABLE_KEY;
if (!key) {
  console.error('swagger-ui: set ROUNDTABLE_KEY to an admin key');
  process.exit(2);
}
const all = process.argv.includes('--all');
const families = all ? ['/api/v1/institutions', '/api/v1/speakers', '/api/v1/events', '/api/v1/recommendations'] : ['/api/v1/events'];

const contract = await (await fetch(`${base}/openapi/v1.json`)).json();
const operations = Object.entries(contract.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ path, method, op })));
const find = (path, method) => operations.find((o) => o.path === path && o.method === method);
const example = (op, name) => op.parameters?.find((p) => p.name === name)?.example;
const fill = (template, op) => template.replace('{idOrSlug}', example(op, 'idOrSlug'));
const camel = (kebab) => kebab.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const ids = async (url, property) => {
  const res = await fetch(base + url, { headers: { Authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return ((await res.json())[property] ?? []).map((e) => e.id);
};

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
const failures = [];
let tried = 0;
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${base}/swagger/index.html`, { waitUntil: 'networkidle0' });
  await page.waitForSelector('.opblock');
  // The Authorize dialog, as a reader fills it in.
  await page.click('.auth-wrapper .authorize');
  await page.waitForSelector('.auth-container input');
  await page.type('.auth-container input', key);
  await page.click('.auth-btn-wrapper .authorize');
  await page.click('.auth-btn-wrapper .btn-done');

  // One operation through the UI: expand, Try it out, type the itemId if there is one, Execute, read the status.
  async function tryOut(path, method, itemId) {
    const { op } = find(path, method);
    const tag = op.tags[0].replace(/\s/g, '_');
    const id = `#operations-${tag}-${op.operationId}`;
    const block = await page.waitForSelector(id);
    await block.evaluate((el) => el.scrollIntoView());
    if (!(await block.$('.opblock-body'))) {
      await (await block.$('.opblock-summary-control, .opblock-summary')).click();
      await block.waitForSelector('.opblock-body');
    }
    const tryButton = await block.waitForSelector('.try-out__btn');
    if ((await tryButton.evaluate((b) => b.textContent.trim())) === 'Try it out') await tryButton.click();
    await block.waitForSelector('.execute');
    if (itemId) {
      const input = await block.waitForSelector('tr[data-param-name="itemId"] input');
      await input.click({ clickCount: 3 });
      await input.type(itemId);
    }
    await (await block.$('.execute')).click();
    const cell = await block.waitForSelector('.live-responses-table .response .response-col_status', { timeout: 30_000 });
    const status = Number((await cell.evaluate((c) => c.textContent)).trim().slice(0, 3));
    const body = await block.$eval('.live-responses-table .response .response-col_description', (c) => c.textContent.trim().slice(0, 400))
      .catch(() => '');
    const url = await block.$eval('.request-url pre', (c) => c.textContent.trim()).catch(() => path);
    tried++;
    if (!(status >= 200 && status < 300)) failures.push(`${method.toUpperCase()} ${url}: ${status} ${body}`);
    else console.log(`swagger-ui: ${method.toUpperCase()} ${url} ${status}`);
    // Fold it again: a page with every answer open gets slow.
    const clear = await block.$('.btn-clear');
    if (clear) await clear.click();
    await (await block.$('.opblock-summary-control, .opblock-summary')).click();
    return status;
  }

  const needsExamples = (o) => o.method === 'get'
    && (/\{idOrSlug\}$/.test(o.path) || (o.op.parameters ?? []).some((p) => p.required && p.in === 'query'));
  // A webhook subscription's id, like a key's, is made by its create: OperationExampleTests runs those from answers.
  const madeIds = (o) => o.path.includes('/api-keys/') || o.path.includes('/webhooks/{id}');
  for (const { path, method } of operations.filter((o) => !madeIds(o) && (all ? o.method === 'get' || o.method === 'head' : needsExamples(o)))) {
    await tryOut(path, method);
  }

  const removals = [];
  for (const family of families) {
    const item = `${family}/{idOrSlug}`;
    await tryOut(family, 'post');
    await tryOut(item, 'put');
    await tryOut(item, 'patch');
    for (const { path } of operations.filter((o) => o.method === 'post' && o.path.startsWith(`${item}/`))) {
      const property = camel(path.slice(item.length + 1));
      const parent = fill(item, find(path, 'post').op);
      const before = await ids(parent, property);
      await tryOut(path, 'post');
      const entry = `${path}/{itemId}`;
      if (!find(entry, 'put')) continue; // an append-only history (status changes)
      const added = (await ids(parent, property)).filter((x) => !before.includes(x));
      if (added.length !== 1) { failures.push(`${path}: ${added.length} new ${property}`); continue; }
      await tryOut(entry, 'put', added[0]);
      await tryOut(entry, 'patch', added[0]);
      removals.push([entry, added[0]]);
    }
  }
  for (const [entry, id] of removals.reverse()) await tryOut(entry, 'delete', id);
  for (const family of [...families].reverse()) await tryOut(`${family}/{idOrSlug}`, 'delete');
} catch (error) {
  failures.push(`the check stopped: ${error.stack ?? error}`);
} finally {
  await browser.close();
}
const skipped = operations.filter((o) => o.path.includes('/api-keys/') || o.path.includes('/webhooks/{id}'));
console.log(`swagger-ui: ${tried} of ${operations.length} operations executed from their pre-filled examples`
  + `${all ? '' : ' (the CI set; --all for every one)'}, ${failures.length} failed (never tried: ${skipped.map((o) => `${o.method.toUpperCase()} ${o.path}`).join(', ')}: their ids are made when they are created)`);
for (const failure of failures) console.log(`swagger-ui: FAILED ${failure}`);
process.exit(failures.length === 0 ? 0 : 1);
