// Drives the MCP Apps views of ionos-mcp in a real browser: Debian's
// Chromium through playwright-core, with the host page of host.js (the
// official MCP client and AppBridge) served on the MCP endpoint's origin.
// It clicks and types as a person would and prints one JSON object with
// what it saw; e2e/apps_test.go asserts on it and on the simulator.
//
// Environment:
//   MCP_URL          the endpoint, e.g. http://127.0.0.1:8080/mcp
//   MCP_TOKEN        its bearer token
//   MCP_ERA          modern (2026-07-28, the default) or legacy (2025-11-25)
//   SCENARIOS        the scenarios to run, comma-separated (default all but
//                    the set's, which stop production's servers and run on
//                    a simulator of their own)
//   SCREENSHOTS_DIR  where to write the screenshots
//   CHROMIUM         the browser (default /usr/bin/chromium)
// Nothing secret is printed: not the token, not a grant.
import { chromium } from 'playwright-core';
import * as esbuild from 'esbuild';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const started = Date.now();

// log goes to stderr, which the test shows when it fails.
function log(msg) {
  console.error(`driver ${((Date.now() - started) / 1000).toFixed(1)}s: ${msg}`);
}

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`driver.mjs: set ${name}`);
    process.exit(2);
  }
  return v;
}

const mcpURL = need('MCP_URL');
const token = need('MCP_TOKEN');
const shotsDir = need('SCREENSHOTS_DIR');
const era = process.env.MCP_ERA || 'modern';
const origin = new URL(mcpURL).origin;
const hostBase = `${origin}/__host/`;

const bundle = await esbuild.build({
  entryPoints: [join(here, 'host.js')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'chrome120',
  write: false,
  logLevel: 'silent',
});
const files = {
  '': { type: 'text/html; charset=utf-8', body: await readFile(join(here, 'host.html')) },
  'host.js': { type: 'text/javascript; charset=utf-8', body: Buffer.from(bundle.outputFiles[0].contents) },
};

const out = { tools: [], scenarios: {}, requests: { total: 0, offending: [] }, console: [], pageErrors: [], grantLeaks: [] };
const viewConsole = [];
const calls = []; // tools/call names seen on the wire, with the decision of apply_power_decision or apply_set_decision

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const timer = setTimeout(() => {
  console.error('driver.mjs: gave up after 120 s');
  process.exit(3);
}, 120000);

try {
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  await page.route(`${hostBase}**`, (route) => {
    const f = files[route.request().url().slice(hostBase.length)];
    if (!f) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: f.type, body: f.body });
  });
  page.on('request', (r) => {
    out.requests.total++;
    const url = r.url();
    if (url !== mcpURL && !url.startsWith(hostBase)) out.requests.offending.push(`${r.method()} ${url}`);
    if (url === mcpURL && r.method() === 'POST') {
      try {
        const m = JSON.parse(r.postData() || '{}');
        if (m.method === 'tools/call') {
          const a = m.params?.arguments ?? {};
          calls.push(a.decision ? `${m.params.name}:${a.decision}` : m.params.name);
        }
      } catch {
        // not JSON: not a call
      }
    }
  });
  page.on('console', (m) => {
    // A view's lines, at every level, are checked for grants; the host's
    // own debug lines (the bridge logs each message) are left out.
    const view = m.location()?.url === 'about:srcdoc';
    if (view) viewConsole.push(m.text());
    if (view || m.type() !== 'debug') out.console.push({ type: m.type(), text: m.text(), view });
  });
  page.on('pageerror', (e) => out.pageErrors.push(String(e)));

  log('browser up');
  await page.goto(hostBase);
  await page.waitForFunction(() => window.host !== undefined);
  const connected = await page.evaluate(([u, t, e]) => window.host.connect(u, t, e), [mcpURL, token, era]);
  out.tools = connected.tools;
  out.protocolVersion = connected.protocolVersion;
  log(`connected: ${out.tools.length} tools`);

  const scenarios = { accept, decline, keyboard, expiry, failed, stale, inventory, narrow, screenshots };
  const setScenarios = { setDecline, setNarrow, setAccept, setResume };
  const only = (process.env.SCENARIOS || '').split(',').filter(Boolean);
  for (const [name, fn] of Object.entries({ ...scenarios, ...setScenarios })) {
    if (only.length ? !only.includes(name) : !(name in scenarios)) continue;
    const t0 = Date.now();
    const callsBefore = calls.length;
    log(`scenario ${name}`);
    const res = {};
    try {
      await fn(page, res);
    } catch (e) {
      res.error = String(e?.message ?? e).split('\n')[0];
    }
    res.calls = calls.slice(callsBefore);
    res.ms = Date.now() - t0;
    if (res.error) log(`${name}: ${res.error}`);
    out.scenarios[name] = res;
  }
  await checkGrants(page);
} catch (e) {
  out.fatal = String(e?.stack ?? e);
} finally {
  clearTimeout(timer);
  await browser.close();
}
process.stdout.write(JSON.stringify(out) + '\n');

// ---- helpers ----

async function openView(page, opts) {
  const v = await page.evaluate((o) => window.host.open(o), opts);
  const handle = await page.$(`iframe[data-view="${v.id}"]`);
  v.frame = await handle.contentFrame();
  v.handle = handle;
  return v;
}

// closeView tears the view down, after checking that its page holds no
// grant.
async function closeView(page, v) {
  const html = await v.frame.content();
  const grants = await page.evaluate(() => window.host.grants());
  if (grants.some((g) => html.includes(g))) out.grantLeaks.push(`page of ${v.uri}`);
  await page.evaluate((id) => window.host.close(id), v.id);
}

function texts(loc) {
  return loc.evaluateAll((els) => els.map((e) => e.textContent.trim()));
}

async function focused(frame) {
  return frame.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return { tag: 'BODY', text: '' };
    const cs = getComputedStyle(e);
    return { tag: e.tagName, text: e.textContent.trim(), outline: `${cs.outlineStyle} ${cs.outlineWidth}`, focusVisible: e.matches(':focus-visible') };
  });
}

// readPanel reads a confirmation panel as a person sees it.
async function readPanel(panel) {
  return {
    heading: (await panel.locator('h2').first().textContent()).trim(),
    facts: await texts(panel.locator('.facts dt, .facts dd')),
    consequences: (await panel.locator('.consequences').allTextContents()).join(' ').trim(),
    expires: (await panel.locator('.expires').allTextContents()).join(' ').trim(),
    buttons: await panel.locator('button').evaluateAll((bs) => bs.map((b) => ({ text: b.textContent.trim(), disabled: b.disabled }))),
  };
}

async function readOutcome(panel) {
  return {
    outcome: (await panel.locator('.outcome').textContent()).trim(),
    outcomeKind: await panel.getAttribute('data-outcome'),
    progress: await texts(panel.locator('.progress li')),
    buttons: await panel.locator('button').evaluateAll((bs) => bs.map((b) => ({ text: b.textContent.trim(), disabled: b.disabled }))),
  };
}

async function waitOutcome(panel, timeout = 30000) {
  await panel.locator('.outcome:not(:empty)').waitFor({ timeout });
}

// readSet reads a set's panel: its lines and its table, row by row.
async function readSet(panel) {
  const one = async (sel) => (await panel.locator(sel).allTextContents()).join(' ').trim();
  return {
    heading: (await panel.locator('h2').first().textContent()).trim(),
    summary: await one('.summary'),
    counts: await texts(panel.locator('.set-counts li')),
    consequences: await one('.consequences'),
    billing: await one('.billing'),
    expires: await one('.expires'),
    elapsed: await one('.elapsed'),
    busy: (await panel.getAttribute('aria-busy')) === 'true',
    buttons: await panel.locator('button').evaluateAll((bs) => bs.map((b) => ({ text: b.textContent.trim(), disabled: b.disabled }))),
    columns: await texts(panel.locator('.set-table thead th:visible')),
    rows: await panel.locator('.set-table tbody tr.row').evaluateAll((trs) =>
      trs.map((tr) => {
        const c = tr.children;
        const txt = (e) => (e ? e.textContent.trim() : '');
        const detail = tr.nextElementSibling?.classList.contains('detail') ? tr.nextElementSibling : null;
        return {
          server: txt(c[0].querySelector('.name')),
          datacenter: txt(c[0].querySelector('.set-dc')),
          type: txt(c[0].querySelector('.set-type')),
          plan: tr.dataset.plan,
          planText: txt(c[1]),
          vmState: txt(c[2]),
          muted: tr.classList.contains('left-alone'),
          status: txt(c[3]),
          reason: txt(detail?.querySelector('.reason')),
          requestId: txt(detail?.querySelector('.rid .mono')),
          message: txt(detail?.querySelector('.message')),
        };
      }),
    ),
  };
}

// The set of every scenario of power_servers. A function, since the
// scenarios run before a const below them would be set.
function setArgs() {
  return { action: 'stop', datacenter: 'production', vm_state: 'RUNNING' };
}

// ---- scenarios ----

// A stop confirmed with a click, followed to SHUTOFF.
async function accept(page, res) {
  const v = await openView(page, { tool: 'stop_server', args: { server: 'etl-1' } });
  res.model = v.model;
  res.metaKeys = v.metaKeys;
  const panel = v.frame.locator('.panel');
  await panel.getByRole('button', { name: 'Stop etl-1' }).waitFor();
  res.offer = await readPanel(panel);
  res.focusedAtStart = await focused(v.frame);
  await panel.getByRole('button', { name: 'Stop etl-1' }).click();
  res.afterClick = (await readPanel(panel)).buttons;
  await waitOutcome(panel);
  Object.assign(res, await readOutcome(panel));
  await closeView(page, v);
}

// Cancel: nothing changes.
async function decline(page, res) {
  const v = await openView(page, { tool: 'stop_server', args: { server: 'db-1' } });
  res.model = v.model;
  const panel = v.frame.locator('.panel');
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await waitOutcome(panel);
  Object.assign(res, await readOutcome(panel));
  await closeView(page, v);
}

// Only the keyboard: the focus starts on Cancel, Tab reaches the action,
// Enter runs it.
async function keyboard(page, res) {
  const v = await openView(page, { tool: 'suspend_server', args: { server: 'report-cube' } });
  const panel = v.frame.locator('.panel');
  await panel.getByRole('button', { name: 'Suspend report-cube' }).waitFor();
  res.offer = await readPanel(panel);
  // Nothing on the host page has the focus; Tab enters the view.
  await page.evaluate(() => document.activeElement?.blur());
  res.steps = [];
  for (const key of ['Tab', 'Tab', 'Shift+Tab', 'Tab']) {
    await page.keyboard.press(key);
    res.steps.push({ key, focused: await focused(v.frame) });
  }
  await page.keyboard.press('Enter');
  res.steps.push({ key: 'Enter', focused: await focused(v.frame) });
  await waitOutcome(panel);
  Object.assign(res, await readOutcome(panel));
  await closeView(page, v);
}

// An offer whose time ran out: the host hands the view an offer that
// expires in two seconds (the grant itself would still be valid).
async function expiry(page, res) {
  const v = await openView(page, { tool: 'suspend_server', args: { server: 'gpu-train' }, expiresInMs: 2000 });
  const panel = v.frame.locator('.panel');
  res.offer = await readPanel(panel);
  await panel.locator('.outcome:not(:empty)').waitFor({ timeout: 10000 });
  Object.assign(res, await readOutcome(panel));
  res.expires = (await panel.locator('.expires').textContent()).trim();
  await closeView(page, v);
}

// A request that ends FAILED (a fault of the simulator): the view says so
// and that the server was not changed.
async function failed(page, res) {
  const v = await openView(page, { tool: 'suspend_server', args: { server: 'cache-cube' } });
  const panel = v.frame.locator('.panel');
  await panel.getByRole('button', { name: 'Suspend cache-cube' }).click();
  await waitOutcome(panel);
  Object.assign(res, await readOutcome(panel));
  await closeView(page, v);
}

// Two views offer the same stop; the first accepted runs it, and the other
// then says that the server changed, instead of acting on what it showed.
async function stale(page, res) {
  const args = { server: 'web-1', datacenter: 'staging' };
  const first = await openView(page, { tool: 'stop_server', args });
  const second = await openView(page, { tool: 'stop_server', args });
  const p2 = second.frame.locator('.panel');
  await p2.getByRole('button', { name: 'Stop web-1' }).click();
  await waitOutcome(p2);
  res.second = await readOutcome(p2);
  const p1 = first.frame.locator('.panel');
  await p1.getByRole('button', { name: 'Stop web-1' }).click();
  await waitOutcome(p1);
  res.first = await readOutcome(p1);
  await closeView(page, second);
  await closeView(page, first);
}

// A set offer, declined: nothing runs (the test checks the simulator).
async function setDecline(page, res) {
  const v = await openView(page, { tool: 'power_servers', args: setArgs() });
  res.model = v.model;
  const panel = v.frame.locator('.panel');
  await panel.getByRole('button', { name: 'Stop 3 servers' }).waitFor();
  res.offer = await readSet(panel);
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await waitOutcome(panel);
  Object.assign(res, await readOutcome(panel));
  res.after = await readSet(panel);
  await closeView(page, v);
}

// The set at 320 px, with its own five servers and then with 200 rows:
// the page never scrolls sideways, the table scrolls inside its box, and
// the buttons stay within a screen.
async function setNarrow(page, res) {
  const measure = (frame) =>
    frame.evaluate(() => {
      const d = document.documentElement;
      const wrap = document.querySelector('.table-wrap');
      const rows = wrap.querySelectorAll('tbody tr.row');
      const head = wrap.querySelector('thead th');
      const buttons = document.querySelector('.buttons').getBoundingClientRect();
      const page = { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, bodyScrollWidth: document.body.scrollWidth };
      const box = { scrollWidth: wrap.scrollWidth, clientWidth: wrap.clientWidth, scrollHeight: wrap.scrollHeight, clientHeight: wrap.clientHeight };
      // Scrolled to its end, the box shows the last row under the header.
      wrap.scrollTop = wrap.scrollHeight;
      const w = wrap.getBoundingClientRect();
      const last = rows[rows.length - 1].getBoundingClientRect();
      const h = head.getBoundingClientRect();
      wrap.scrollTop = 0;
      return {
        ...page,
        box,
        rows: rows.length,
        documentHeight: Math.ceil(d.getBoundingClientRect().height),
        buttonsBottom: Math.ceil(buttons.bottom),
        lastRowShown: last.bottom <= w.bottom + 1 && last.top >= h.bottom - 1,
        headerStuck: Math.abs(h.top - w.top) <= 2,
      };
    });
  const small = await openView(page, { tool: 'power_servers', args: setArgs(), width: 320 });
  await small.frame.locator('.panel .buttons').waitFor();
  res.small = await measure(small.frame);
  await fitted(page, small);
  await small.frame.evaluate(() => document.activeElement?.blur());
  const file = join(shotsDir, 'confirm-set-narrow.png');
  await mkdir(shotsDir, { recursive: true });
  await small.handle.screenshot({ path: file });
  res.files = [file];
  await closeView(page, small);
  const long = await openView(page, { tool: 'power_servers', args: setArgs(), width: 320, extraServers: 195 });
  await long.frame.locator('.panel .buttons').waitFor();
  res.long = await measure(long.frame);
  await closeView(page, long);
}

// A set offer accepted with a click: one apply_set_decision, which runs
// the three stops and follows them; the view shows it running, then DONE
// for each.
async function setAccept(page, res) {
  await mkdir(shotsDir, { recursive: true });
  res.files = [];
  const v = await openView(page, { tool: 'power_servers', args: setArgs() });
  res.model = v.model;
  res.metaKeys = v.metaKeys;
  const panel = v.frame.locator('.panel');
  const accept = panel.getByRole('button', { name: 'Stop 3 servers' });
  await accept.waitFor();
  res.focusedAtStart = await focused(v.frame);
  res.offer = await readSet(panel);
  await fitted(page, v);
  await v.frame.evaluate(() => document.activeElement?.blur());
  res.files.push(join(shotsDir, 'confirm-set.png'));
  await v.handle.screenshot({ path: res.files[0] });
  // The host holds the call, so that the view is seen while it runs.
  await page.evaluate(() => window.host.hold('apply_set_decision'));
  await accept.click();
  await panel.locator('.st-PENDING').first().waitFor();
  res.running = await readSet(panel);
  res.progressWhileRunning = await texts(panel.locator('.progress li'));
  await page.evaluate(() => window.host.release('apply_set_decision'));
  await waitOutcome(panel, 60000);
  Object.assign(res, await readOutcome(panel));
  res.after = await readSet(panel);
  await fitted(page, v);
  res.files.push(join(shotsDir, 'confirm-set-done.png'));
  await v.handle.screenshot({ path: res.files[1] });
  await closeView(page, v);
}

// A resume asks nobody: power_servers runs it at once, and the view shows
// the set's result without buttons.
async function setResume(page, res) {
  const v = await openView(page, { tool: 'power_servers', args: { action: 'resume', datacenter: 'staging' } });
  res.model = v.model;
  const panel = v.frame.locator('.panel');
  await waitOutcome(panel);
  Object.assign(res, await readOutcome(panel));
  res.after = await readSet(panel);
  await closeView(page, v);
}

async function visibleRows(frame) {
  return texts(frame.locator('li.server .server-name'));
}

// The inventory: pages, the filter, a stop through the confirmation panel
// and a start without one.
async function inventory(page, res) {
  const v = await openView(page, { tool: 'list_servers', args: { limit: 10 }, width: 640 });
  const f = v.frame;
  await f.locator('li.server').first().waitFor();
  res.model = { structuredContent: { total: v.model.structuredContent?.total, next: !!v.model.structuredContent?.next } };
  res.counts = (await f.locator('.inv-head p').textContent()).trim();
  res.datacenters = await texts(f.locator('.dc-head h2'));
  res.firstPage = (await visibleRows(f)).length;
  await f.getByRole('button', { name: 'Load more' }).click();
  await f.locator('li.server').nth(10).waitFor();
  res.allRows = await visibleRows(f);
  res.loadMoreLeft = await f.getByRole('button', { name: 'Load more' }).count();
  res.shown = (await f.locator('#shown').textContent()).trim();

  const filter = f.getByLabel('Filter');
  res.filtered = {};
  for (const q of ['cube', 'staging', 'gpu', 'jupyter']) {
    await filter.fill('');
    await filter.pressSequentially(q);
    res.filtered[q] = await visibleRows(f);
  }
  res.jupyterActions = await texts(f.locator('li[data-server="jupyter"] .server-actions button'));
  await f.getByRole('button', { name: 'Stop jupyter' }).first().click();
  const panel = f.locator('.panel').first();
  await panel.getByRole('button', { name: 'Cancel' }).waitFor();
  res.panel = await readPanel(panel);
  res.rowWhileOpen = await f.locator('li[data-server="jupyter"] .server-actions button').evaluateAll((bs) => bs.map((b) => b.disabled));
  await panel.getByRole('button', { name: 'Stop jupyter' }).click();
  await waitOutcome(panel);
  res.stop = await readOutcome(panel);
  res.jupyterAfter = {
    badge: (await f.locator('li[data-server="jupyter"] .badge').first().textContent()).trim(),
    actions: await texts(f.locator('li[data-server="jupyter"] .server-actions button')),
  };
  await panel.getByRole('button', { name: 'Close this panel' }).click();

  await filter.fill('build-runner');
  await f.getByRole('button', { name: 'Start build-runner' }).click();
  const startPanel = f.locator('.panel').first();
  await waitOutcome(startPanel);
  res.start = await readOutcome(startPanel);
  res.buildRunnerAfter = (await f.locator('li[data-server="build-runner"] .badge').first().textContent()).trim();
  await closeView(page, v);
}

async function overflow(frame) {
  return frame.evaluate(() => {
    const d = document.documentElement;
    return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, bodyScrollWidth: document.body.scrollWidth };
  });
}

// Both views at 320 px: nothing wider than the frame.
async function narrow(page, res) {
  const c = await openView(page, { tool: 'stop_server', args: { server: 'web-2' }, width: 320 });
  await c.frame.locator('.panel .buttons').waitFor();
  res.confirm = await overflow(c.frame);
  await closeView(page, c);
  const i = await openView(page, { tool: 'list_servers', args: {}, width: 320 });
  await i.frame.locator('li.server').first().waitFor();
  res.inventory = await overflow(i.frame);
  await i.frame.getByRole('button', { name: 'Stop web-2' }).click();
  await i.frame.locator('.panel .buttons').waitFor();
  res.inventoryWithPanel = await overflow(i.frame);
  await closeView(page, i);
}

async function fitted(page, v) {
  // The host sizes the frame from the view's size-changed notices.
  await page.waitForFunction(async (id) => {
    const f = document.querySelector(`iframe[data-view="${id}"]`);
    const sizes = window.host.sizes(id);
    return sizes.length > 0 && Math.abs(f.getBoundingClientRect().height - sizes[sizes.length - 1]) < 1;
  }, v.id);
  await page.waitForTimeout(150);
}

async function themeOf(frame) {
  return frame.evaluate(() => ({
    theme: document.documentElement.getAttribute('data-theme'),
    colorScheme: document.documentElement.style.colorScheme,
    background: getComputedStyle(document.documentElement).backgroundColor,
    text: getComputedStyle(document.body).color,
  }));
}

// The four pictures of docs/images, light and dark; the dark one after a
// host-context change, which the view must follow.
async function screenshots(page, res) {
  await mkdir(shotsDir, { recursive: true });
  res.files = [];
  res.themes = {};
  const c = await openView(page, { tool: 'stop_server', args: { server: 'web-2' }, width: 560 });
  await c.frame.locator('.panel .buttons').waitFor();
  await shoot(page, c, 'confirm', res);
  await closeView(page, c);
  const i = await openView(page, { tool: 'list_servers', args: {}, width: 640 });
  await i.frame.locator('li.server').first().waitFor();
  await shoot(page, i, 'inventory', res);
  await closeView(page, i);
}

async function shoot(page, v, name, res) {
  res.themes[name] = {};
  for (const theme of ['light', 'dark']) {
    if (theme === 'dark') {
      await page.evaluate((id) => window.host.setTheme(id, 'dark'), v.id);
      await v.frame.waitForFunction(() => document.documentElement.getAttribute('data-theme') === 'dark');
    }
    // No caret or focus ring from earlier steps in the pictures.
    await v.frame.evaluate(() => document.activeElement?.blur());
    await fitted(page, v);
    res.themes[name][theme] = await themeOf(v.frame);
    const file = join(shotsDir, `${name}-${theme}.png`);
    await v.handle.screenshot({ path: file });
    res.files.push(file);
  }
}

// No grant may appear in a view's console (closeView checks the pages).
async function checkGrants(page) {
  const grants = await page.evaluate(() => window.host.grants());
  out.grantsSeen = grants.length;
  const text = viewConsole.join('\n');
  if (grants.some((g) => text.includes(g))) out.grantLeaks.push('console of a view');
}
