import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../support/app.js';

// Reads the inspector that `npm run build` put in dist/ui (npm test builds first).
let app: RunningApp;

beforeAll(async () => {
  app = await startApp({ dispatch: false });
});
afterAll(async () => app.stop());

async function get(path: string): Promise<{ status: number; type: string; headers: Record<string, unknown>; body: string }> {
  const response = await request(`${app.url}${path}`);
  const body = await response.body.text();
  return { status: response.statusCode, type: String(response.headers['content-type'] ?? ''), headers: response.headers, body };
}

describe('the inspector is served by hookline itself', () => {
  it('serves the built page at / with a same-origin content policy and no caching of the page', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.body).toContain('<div id="app">');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(page.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(page.headers['cache-control']).toBe('no-cache');
  });

  it('serves the script the page loads, cached for good since its name carries its hash', async () => {
    const page = await get('/');
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(page.body)?.[1];
    expect(script).toMatch(/^\/assets\/.+\.js$/);
    const asset = await get(script!);
    expect(asset.status).toBe(200);
    expect(asset.type).toContain('javascript');
    expect(String(asset.headers['cache-control'])).toContain('immutable');
  });

  it('leaves every other path to the APIs and the sink', async () => {
    const control = await get('/hookline/v1/health');
    expect(control.status).toBe(200);
    expect(JSON.parse(control.body)).toMatchObject({ status: 'ok' });
    const unknown = await get('/assets/not-built.js');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: { code: 'route_not_found' } });
    const sink = await get('/sink/inspector-check');
    expect(sink.status).toBe(200);
    const plivo = await get(`/v1/Account/${app.app.devAccount.id}/Message/`);
    expect(plivo.status).toBe(401);
  });
});
