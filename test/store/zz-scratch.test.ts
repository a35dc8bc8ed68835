import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { SqliteDatabase } from '../../src/store/sqlite/index.js';
import type { NewDelivery } from '../../src/domain/delivery.js';

function nd(dueAt: number): NewDelivery {
  return { id: randomUUID(), accountId: 'MA1', dialect: 'standard', kind: 'notification', url: 'http://127.0.0.1:9/hook', method: 'POST',
    params: { Seq: '1', Status: 'delivered' }, policy: { profile: 'standard', connectTimeoutMs: 5000, readTimeoutMs: 5000, totalTimeoutMs: 15000, retryDelaysMs: [60000], retryOn: ['5xx'], maxRetryAfterMs: 60000, maxRedirects: 0, maxResponseBytes: 65536, sources: { ct: 'default', rt: 'default', tt: 'default', rc: 'default', rp: 'default' } },
    warnings: [], resource: null, dueAt, createdAt: dueAt };
}
it('bench', () => {
  for (const n of [1000, 10000, 50000]) {
    const dir = mkdtempSync(join(tmpdir(), 'hb-'));
    const db = new SqliteDatabase({ path: join(dir, 'x.db') });
    const ds = Array.from({ length: n }, (_, i) => nd(i));
    let t = performance.now();
    // enqueue in batches of 1 like the API does (one commit per request)
    for (const d of ds) db.commit({ deliveries: [d] });
    const commitMs = performance.now() - t;
    t = performance.now();
    let claimed = 0; const all = [];
    for (;;) { const c = db.claimDue({ now: 1e15, limit: 256, owner: 'a', leaseUntil: 1 }); all.push(...c); claimed += c.length; if (c.length < 256) break; }
    const claimMs = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < all.length; i += 512) {
      db.recordAttempts(all.slice(i, i + 512).map((d) => ({ attempt: { deliveryId: d.id, number: 1, startedAt: 1, durationMs: 1.2, request: { method: 'POST', url: d.url, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-hookline-delivery-id': d.id }, body: 'Seq=1&Status=delivered' }, response: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok', bodyTruncated: false }, outcome: { kind: 'success', status: 200 }, nextAttemptAt: null }, next: { status: 'succeeded' as const } })), 'a');
    }
    const recMs = performance.now() - t;
    console.log(n, { perCommitUs: (commitMs / n * 1000).toFixed(1), perClaimUs: (claimMs / n * 1000).toFixed(1), perRecordUs: (recMs / n * 1000).toFixed(1) });
    t = performance.now();
    const big = Array.from({ length: n }, (_, i) => nd(1e13 + i));
    db.commit({ deliveries: big });
    console.log('  bulk commit per row us', ((performance.now() - t) / n * 1000).toFixed(1));
    db.close(); rmSync(dir, { recursive: true, force: true });
  }
}, 120000);
