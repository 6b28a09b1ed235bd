// A minimal MCP Apps host, as a chat client would be one: the official MCP
// TypeScript client connects to ionos-mcp, and the official AppBridge of
// @modelcontextprotocol/ext-apps runs each view in a sandboxed iframe. It
// plays the model's part too: it calls the tool, and it keeps what only the
// host may see (the result's _meta) apart from what the model sees.
//
// Bundled by driver.mjs with esbuild and served on the MCP endpoint's own
// origin, so that the client's requests are same-origin. The driver uses
// window.host.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  AppBridge,
  PostMessageTransport,
  RESOURCE_MIME_TYPE,
  getToolUiResourceUri,
  isToolVisibilityAppOnly,
} from '@modelcontextprotocol/ext-apps/app-bridge';

const UI_EXTENSION = 'io.modelcontextprotocol/ui';
const hostInfo = { name: 'ionos-mcp apps e2e host', version: '1' };

// What a real host enforces on a view: it loads nothing and connects
// nowhere. A view that tried would show up as a CSP violation.
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

const OFFER_KEY = 'ionos-mcp/confirmation';

// grants are the offers' grants this host has seen, for the driver to prove
// that no view shows or logs one; the driver never prints them.
const grants = new Set();

// held are the tools whose calls from a view wait for release(name), so
// that the driver can see a view while its call runs.
const held = new Map(); // name -> { promise, release }

let client;
let tools = [];
const views = new Map();
let nextView = 1;

// connect opens the MCP session. era "modern" pins protocol revision
// 2026-07-28, whose requests each carry the client's capabilities (what a
// stateless endpoint needs to know that this client shows views); "legacy"
// is the 2025-11-25 handshake, for a stateful endpoint.
async function connect(url, token, era) {
  // The UI extension and no elicitation: the server then puts its
  // confirmation in the view.
  client = new Client(hostInfo, {
    capabilities: { extensions: { [UI_EXTENSION]: { mimeTypes: [RESOURCE_MIME_TYPE] } } },
    versionNegotiation: era === 'modern' ? { mode: { pin: '2026-07-28' } } : { mode: 'legacy' },
  });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  // The bridge forwards a view's tools/call through client.request; note
  // the grants of the results it forwards.
  const request = client.request.bind(client);
  client.request = async (req, ...rest) => {
    if (req?.method === 'tools/call' && held.has(req.params?.name)) await held.get(req.params.name).promise;
    const r = await request(req, ...rest);
    if (req?.method === 'tools/call') keepGrant(r);
    return r;
  };
  await client.connect(transport);
  tools = [];
  let cursor;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined);
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return {
    protocolVersion: client.getNegotiatedProtocolVersion?.() ?? null,
    tools: tools.map((t) => ({
      name: t.name,
      resourceUri: getToolUiResourceUri(t) ?? null,
      appOnly: isToolVisibilityAppOnly(t),
    })),
  };
}

function withCSP(html) {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${CSP}">`;
  return html.replace(/<head[^>]*>/i, (m) => m + meta);
}

// open shows the view of tool and makes the model's call of it: the view
// gets the arguments, then the result. It returns what the model sees.
// expiresInMs, for the test of an offer that runs out, gives the view the
// offer with that little time left. extraServers, for the layout of a
// long set, adds that many rows to a set offer, copies of its own servers
// under other names; the view shows them, the grant knows nothing of them.
async function open({ tool, args = {}, theme = 'light', width = 560, expiresInMs, extraServers }) {
  const def = tools.find((t) => t.name === tool);
  if (!def) throw new Error(`no tool ${tool}`);
  // Hosts keep app-only tools from the model.
  if (isToolVisibilityAppOnly(def)) throw new Error(`${tool} is for views only`);
  const uri = getToolUiResourceUri(def);
  if (!uri) throw new Error(`${tool} has no _meta.ui.resourceUri`);
  const read = await client.readResource({ uri });
  const content = read.contents.find((c) => c.uri === uri) ?? read.contents[0];
  if (content?.mimeType !== RESOURCE_MIME_TYPE || typeof content.text !== 'string') {
    throw new Error(`${uri}: mimeType ${content?.mimeType}, want ${RESOURCE_MIME_TYPE} with text`);
  }

  const id = nextView++;
  const iframe = document.createElement('iframe');
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.setAttribute('title', def.title ?? tool);
  iframe.dataset.view = String(id);
  iframe.style.width = `${width}px`;
  iframe.style.height = '120px';
  iframe.srcdoc = withCSP(content.text);
  document.getElementById('views').appendChild(iframe);
  document.body.classList.toggle('dark', theme === 'dark');

  const context = {
    theme,
    displayMode: 'inline',
    availableDisplayModes: ['inline'],
    platform: 'web',
    locale: 'en-US',
    timeZone: 'UTC',
    containerDimensions: { width, maxHeight: 4000 },
    toolInfo: { tool: def },
  };
  const bridge = new AppBridge(client, hostInfo, { serverTools: {}, serverResources: {} }, { hostContext: context });
  const view = { id, iframe, bridge, context, sizes: [], uri };
  bridge.onsizechange = ({ height }) => {
    if (height) {
      iframe.style.height = `${height}px`;
      view.sizes.push(height);
    }
  };
  const initialized = new Promise((resolve) => {
    bridge.oninitialized = resolve;
  });
  await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
  await initialized;
  views.set(id, view);

  await bridge.sendToolInput({ arguments: args });
  const result = await client.callTool({ name: tool, arguments: args });
  keepGrant(result);
  let shown = result;
  const offer = result._meta?.[OFFER_KEY];
  if (expiresInMs && offer) {
    const soon = new Date(Date.now() + expiresInMs).toISOString();
    shown = { ...result, _meta: { ...result._meta, [OFFER_KEY]: { ...offer, expires: soon } } };
  }
  if (extraServers && offer?.kind === 'set') {
    const servers = [...offer.servers];
    for (let i = 0; i < extraServers; i++) {
      const s = offer.servers[i % offer.servers.length];
      servers.push({ ...s, server: `${s.server}-copy-${i + 1}`, serverId: `${s.serverId}-copy-${i + 1}` });
    }
    shown = { ...shown, _meta: { ...shown._meta, [OFFER_KEY]: { ...shown._meta[OFFER_KEY], servers } } };
  }
  await bridge.sendToolResult(shown);
  return {
    id,
    uri,
    // The model gets the content and structuredContent, not _meta.
    model: { content: result.content, structuredContent: result.structuredContent ?? null, isError: !!result.isError },
    metaKeys: Object.keys(result._meta ?? {}),
  };
}

function get(id) {
  const v = views.get(id);
  if (!v) throw new Error(`no view ${id}`);
  return v;
}

// setContext changes the host context; the bridge sends the view what
// changed (ui/notifications/host-context-changed).
function setContext(id, patch) {
  const v = get(id);
  v.context = { ...v.context, ...patch };
  v.bridge.setHostContext(v.context);
  if (patch.theme) document.body.classList.toggle('dark', patch.theme === 'dark');
}

function setTheme(id, theme) {
  setContext(id, { theme });
}

function hold(name) {
  if (held.has(name)) return;
  let release;
  const promise = new Promise((r) => {
    release = r;
  });
  held.set(name, { promise, release });
}

function release(name) {
  const h = held.get(name);
  held.delete(name);
  h?.release();
}

function keepGrant(result) {
  const g = result?._meta?.[OFFER_KEY]?.grant;
  if (typeof g === 'string' && g) grants.add(g);
}

async function close(id) {
  const v = get(id);
  await v.bridge.teardownResource({});
  await v.bridge.close();
  v.iframe.remove();
  views.delete(id);
}

window.host = {
  connect,
  open,
  setTheme,
  hold,
  release,
  grants: () => [...grants],
  close,
  sizes: (id) => get(id).sizes.slice(),
};
