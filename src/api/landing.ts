import type { FastifyInstance } from 'fastify';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Where the inspector has not been built, `/` says what hookline serves and how to build it. */
export function landingPage(version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hookline</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
  code, pre { font: 14px ui-monospace, monospace; background: #f4f4f4; border-radius: 4px; }
  code { padding: 0 .25rem; } pre { padding: .75rem; overflow-x: auto; }
  h1 small { font-size: 1rem; color: #777; font-weight: normal; }
</style>
</head>
<body>
<h1>hookline <small>${escapeHtml(version)}</small></h1>
<p>The inspector (a live view of every callback and its attempts) lives here once built: run <code>npm run build</code> in hookline's folder and reload. Meanwhile:</p>
<h2>Control API</h2>
<ul>
  <li><a href="/hookline/v1/openapi.json">OpenAPI document</a> (<code>GET /hookline/v1/openapi.json</code>): every route, request and response.</li>
  <li><a href="/hookline/v1/health">Health</a> and <a href="/hookline/v1/deliveries">deliveries</a>; a live feed at <code>GET /hookline/v1/events</code> (server-sent events).</li>
  <li>When hookline runs with a control token, send <code>Authorization: Bearer &lt;token&gt;</code> (or <code>?token=</code>).</li>
</ul>
<h2 id="sink">The sink</h2>
<p>Point a callback at <code>/sink/&lt;name&gt;</code> (or any path below it) before you have an app: every request is recorded, whatever its method or body.</p>
<pre>curl -X POST localhost:PORT/sink/demo -d CallStatus=completed
curl localhost:PORT/hookline/v1/sinks/demo/requests</pre>
<p>Make it answer differently (to rehearse failures and timeouts):</p>
<pre>curl -X PUT localhost:PORT/hookline/v1/sinks/demo \\
  -H 'content-type: application/json' -d '{"status": 503, "delayMs": 2000}'</pre>
</body>
</html>
`;
}

export function registerLanding(server: FastifyInstance, version: string): void {
  const page = landingPage(version);
  server.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
}
