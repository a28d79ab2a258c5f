/**
 * Replays statements captured by `npm run bench -- --dump-sql DIR` against native DuckDB with one thread (a proxy
 * for DuckDB-WASM, about 2–3× faster), to see which statements of a view's redraw cost what.
 * Usage: npx tsx scripts/replay-sql.ts DIR [view ...]   (loads bench-data/certs-1m.csv first)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NodeEngine } from '../src/lib/engine/node';
import { Dataset } from '../src/lib/dataset';
import { fileFromPath } from '../src/lib/node-input';
import { FMB_2019, installFmbSql } from '../src/lib/analysis/fmb';

const [dir, ...only] = process.argv.slice(2);
const engine = await NodeEngine.create({ threads: 1 });
const ds = new Dataset(engine);
await ds.addFile(fileFromPath('bench-data/certs-1m.csv'));
await ds.build({ gap: 5 });
await engine.query(installFmbSql(FMB_2019));
await ds.ensureCertFacts();
for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const view = f.replace(/\.json$/, '');
  if (only.length && !only.includes(view)) continue;
  const stmts: string[] = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  let total = 0;
  const rows: [number, string][] = [];
  for (const sql of stmts) {
    try { await engine.query(sql); } catch (e) { console.log(`  (fails: ${(e as Error).message.slice(0, 80)}) ${sql.slice(0, 200)}`); continue; }
    const t0 = performance.now();
    await engine.query(sql);
    const ms = performance.now() - t0;
    total += ms;
    rows.push([ms, sql.replace(/\s+/g, ' ').slice(0, 110)]);
  }
  console.log(`${view}: ${stmts.length} statements, ${total.toFixed(0)} ms`);
  for (const [ms, s] of rows.sort((a, b) => b[0] - a[0])) console.log(`  ${ms.toFixed(1).padStart(7)}  ${s}`);
}
await engine.close();
