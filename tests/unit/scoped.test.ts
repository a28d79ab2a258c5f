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

  it('sends the statements of all runs one at a time, deciding at sending time whether a run is superseded', async () => {
    const base = await NodeEngine.create();
    const log: string[] = [];
    let running = 0;
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const counting: Engine = {
      query: async (sql) => {
        running++;
        log.push(`start ${sql} (${running} running)`);
        try {
          if (sql.includes('a1')) await gate;
          return await base.query(sql);
        } finally { running--; }
      },
      registerFile: (name, source) => base.registerFile(name, source),
      dropFile: (name) => base.dropFile(name),
      close: () => base.close()
    };
    let staleA = false;
    const a = scopedEngine(counting, () => staleA);
    const b = scopedEngine(counting, () => false);
    const a1 = a.query('SELECT 1 AS a1');
    const a2 = a.query('SELECT 2 AS a2');
    const b1 = b.query('SELECT 3 AS b1');
    // Run A is superseded while its first statement runs: that one is answered, its second is never sent.
    while (log.length === 0) await new Promise((r) => setTimeout(r, 1));
    staleA = true;
    open();
    expect((await a1).getChild('a1')?.get(0)).toBe(1);
    await expect(a2).rejects.toBeInstanceOf(SupersededError);
    expect((await b1).getChild('b1')?.get(0)).toBe(3);
    expect(log).toEqual(['start SELECT 1 AS a1 (1 running)', 'start SELECT 3 AS b1 (1 running)']);
    await base.close();
  });

  it('sends the next statement before the answer before it is handed on, so that drawing it overlaps the next', async () => {
    const base = await NodeEngine.create();
    const log: string[] = [];
    const slow: Engine = {
      query: async (sql) => {
        log.push(`sent ${sql}`);
        await new Promise((r) => setTimeout(r, 5));
        return base.query(sql);
      },
      registerFile: (name, source) => base.registerFile(name, source),
      dropFile: (name) => base.dropFile(name),
      close: () => base.close()
    };
    const e = scopedEngine(slow, () => false);
    const first = e.query('SELECT 1 AS a').then(() => log.push('answered a'));
    const second = e.query('SELECT 2 AS b').then(() => log.push('answered b'));
    await Promise.all([first, second]);
    expect(log).toEqual(['sent SELECT 1 AS a', 'sent SELECT 2 AS b', 'answered a', 'answered b']);
    await base.close();
  });
});
