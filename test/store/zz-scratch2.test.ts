import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { it } from 'vitest';
import { migrate } from '../../src/store/sqlite/migrations.js';
import * as sql from '../../src/store/sqlite/queries.js';
import { deliveryParams } from '../../src/store/sqlite/rows.js';
import type { NewDelivery } from '../../src/domain/delivery.js';

function nd(dueAt: number): NewDelivery {
  return { id: randomUUID(), accountId: 'MA1', dialect: 'standard', kind: 'notification', url: 'http://127.0.0.1:9/hook', method: 'POST',
    params: { Seq: '1', Status: 'delivered' }, policy: { profile: 'standard', connectTimeoutMs: 5000, readTimeoutMs: 5000, totalTimeoutMs: 15000, retryDelaysMs: [60000], retryOn: ['5xx'], maxRetryAfterMs: 60000, maxRedirects: 0, maxResponseBytes: 65536, sources: { ct: 'default', rt: 'default', tt: 'default', rc: 'default', rp: 'default' } },
    warnings: [], resource: null, dueAt, createdAt: dueAt };
}
function run(label: string, drop: string[], mem = false) {
  const dir = mkdtempSync(join(tmpdir(), 'hb-'));
  const db = new Database(mem ? ':memory:' : join(dir, 'x.db'));
  db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL');
  migrate(db, 'x');
  for (const d of drop) db.exec(d);
  const ins = db.prepare(sql.INSERT_DELIVERY);
  const n = 20000;
  const ds = Array.from({ length: n }, (_, i) => nd(i));
  const ps = ds.map((d) => deliveryParams(d, { status: 'pending', attemptCount: 0, lastOutcome: null, updatedAt: 0 }));
  const tx = db.transaction(() => { for (const p of ps) ins.run(p); });
  let t = performance.now(); tx.immediate();
  const bulk = (performance.now() - t) / n * 1000;
  const ps2 = Array.from({ length: 3000 }, (_, i) => deliveryParams(nd(i), { status: 'pending', attemptCount: 0, lastOutcome: null, updatedAt: 0 }));
  const tx1 = db.transaction((p: Record<string, unknown>) => { ins.run(p); });
  t = performance.now(); for (const p of ps2) tx1.immediate(p);
  const single = (performance.now() - t) / 3000 * 1000;
  t = performance.now(); for (const d of ds) JSON.stringify(d.policy);
  console.log(label, 'bulk', bulk.toFixed(1), 'single', single.toFixed(1), 'stringify', ((performance.now() - t) / n * 1000).toFixed(2));
}
it('exp', () => {
  run('all', []);
  run('all mem', [], true);
  run('no acct/res', ['DROP INDEX deliveries_by_account', 'DROP INDEX deliveries_by_resource']);
  run('no acct/res/finished', ['DROP INDEX deliveries_by_account', 'DROP INDEX deliveries_by_resource', 'DROP INDEX deliveries_finished_by_age']);
  run('none', ['DROP INDEX deliveries_by_account', 'DROP INDEX deliveries_by_resource', 'DROP INDEX deliveries_finished_by_age', 'DROP INDEX deliveries_by_status_due']);
}, 120000);
