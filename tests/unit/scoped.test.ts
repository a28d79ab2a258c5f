import { describe, expect, it } from 'vitest';
import { NodeEngine } from '../../src/lib/engine/node';
import { scopedEngine, SupersededError } from '../../src/lib/engine/scoped';
import type { Engine } from '../../src/lib/engine/types';

describe('scopedEngine', () => {
  it('passes statements through until the run is superseded, then sends none', async () => {
    const base = await NodeEngine.create();
    const sent: string[] = [];
    const counting: Engine = {
      query: (sql) => { sent.push(sql); return base.query(sql); },
      registerFile: (name, source) => base.registerFile(name, source),
      dropFile: (name) => base.dropFile(name),
      close: () => base.close()
    };
    let superseded = false;
    const e = scopedEngine(counting, () => superseded);
    const t = await e.query('SELECT 41 + 1 AS x');
    expect(t.getChild('x')?.get(0)).toBe(42);
    superseded = true;
    await expect(e.query('SELECT 1')).rejects.toBeInstanceOf(SupersededError);
    expect(sent).toEqual(['SELECT 41 + 1 AS x']);
    await base.close();
  });
});
