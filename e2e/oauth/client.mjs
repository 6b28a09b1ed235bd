// The official MCP TypeScript SDK as an OAuth client of ionos-mcp
// (serve --http --auth oauth), with its client-credentials provider and
// nothing configured but the endpoint and the client's credentials: it
// meets the 401, reads the protected resource metadata, finds the
// authorization server's metadata, asks for a token (with the RFC 8707
// resource parameter) and lists the tools with it.
//
// Driven by e2e/oauth_test.go (go test -tags oauth ./e2e/). Environment:
//   MCP_URL              the endpoint, e.g. http://127.0.0.1:8080/mcp
//   OAUTH_ISSUER         the authorization server the client trusts with its secret
//   OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET
//   OAUTH_SCOPE          the scopes to ask for (the SDK's client-credentials
//                        grant asks for the configured scope, not the one
//                        of the server's challenge)
//   CALL_TOOL            optional: a tool to call after tools/list
//   CALL_ARGS            optional: its arguments, as JSON
// Prints one JSON line: the tool names, the result of the call (if any) and
// every HTTP request the SDK made, in order.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`client.mjs: set ${name}`);
    process.exit(2);
  }
  return v;
}

const requests = [];
// Records each request (method, URL, status), never a header or body: no
// token or secret reaches the output.
async function recordingFetch(url, init) {
  const res = await fetch(url, init);
  requests.push({ method: init?.method ?? 'GET', url: String(url), status: res.status });
  return res;
}

const provider = new ClientCredentialsProvider({
  clientId: need('OAUTH_CLIENT_ID'),
  clientSecret: need('OAUTH_CLIENT_SECRET'),
  expectedIssuer: need('OAUTH_ISSUER'),
  scope: process.env.OAUTH_SCOPE || undefined,
  clientName: 'ionos-mcp-oauth-e2e'
});
const transport = new StreamableHTTPClientTransport(new URL(need('MCP_URL')), {
  authProvider: provider,
  fetch: recordingFetch
});
const client = new Client({ name: 'ionos-mcp-oauth-e2e', version: '1.0.0' });

try {
  await client.connect(transport);
  const { tools } = await client.listTools();
  let call;
  if (process.env.CALL_TOOL) {
    const args = process.env.CALL_ARGS ? JSON.parse(process.env.CALL_ARGS) : {};
    try {
      const res = await client.callTool({ name: process.env.CALL_TOOL, arguments: args });
      call = { isError: !!res.isError, text: res.content?.[0]?.text ?? '' };
    } catch (err) {
      call = { isError: true, text: String(err?.message ?? err) };
    }
  }
  console.log(JSON.stringify({ tools: tools.map((t) => t.name), call, scope: provider.tokens()?.scope, requests }));
  await client.close();
} catch (err) {
  console.error(`client.mjs: ${err?.stack ?? err}`);
  console.error(`requests so far: ${JSON.stringify(requests)}`);
  process.exit(1);
}
