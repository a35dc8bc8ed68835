import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { useRig } from '../support/rig.js';

const rig = useRig();

async function scrape(url: string): Promise<string> {
  const response = await request(`${url}/metrics`);
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain/);
  return response.body.text();
}

describe('GET /metrics on hookline serve', () => {
  it('counts the attempts its dispatcher recorded, by result, and the queue by status', async () => {
    const app = await rig.app();
    const receiver = await rig.receiver((req) => ({ status: req.url.startsWith('/fail') ? 500 : 200 }));

    for (const path of ['/ok', '/fail']) {
      const { status } = await app.control('POST', '/callbacks', { url: receiver.url(path), dialect: 'standard' });
      expect(status).toBe(202);
    }
    await receiver.waitFor(2);

    await expect.poll(() => scrape(app.url), { timeout: 10_000 }).toMatch(/^hookline_attempts_total\{result="failure"\} 1$/m);
    const text = await scrape(app.url);
    expect(text).toMatch(/^hookline_attempts_total\{result="success"\} 1$/m);
    expect(text).toMatch(/^hookline_deliveries_finished_total\{status="succeeded"\} 1$/m);
    expect(text).toMatch(/^hookline_deliveries\{status="pending"\} 1$/m);
    expect(text).toMatch(/^hookline_deliveries\{status="succeeded"\} 1$/m);
    // Counting goes through the dispatcher, not the event stream, which has no reader here.
    expect(app.app.events.listenerCount).toBe(0);
  });
});
