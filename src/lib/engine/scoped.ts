/**
 * An engine for one run of a view's queries: once the run is superseded (the filters changed again), its next
 * statement is not sent to DuckDB but fails with `SupersededError`, so a quick series of filter changes does not
 * queue every statement of every stale redraw in the worker.
 *
 * The runs of all views share one queue per engine: a statement is sent when the one before it has been answered,
 * and whether its run is superseded is decided then. DuckDB answers one statement at a time anyway, and a view asks
 * for its figures in few statements (engine/parts.ts). The statement already sent gets the run's `signal`: the
 * browser's engine cancels it when the run is superseded (browser.ts), so a stale redraw stops where it is.
 */
import type { Engine } from './types';

export class SupersededError extends Error {
  constructor() {
    super('superseded by a newer query');
    this.name = 'SupersededError';
  }
}

/** The last statement sent (or waiting to be) through scoped engines, per engine. */
const tails = new WeakMap<Engine, Promise<unknown>>();

export function scopedEngine(base: Engine, superseded: () => boolean, signal?: AbortSignal): Engine {
  const send = (sql: string) => {
    const answer = (tails.get(base) ?? Promise.resolve()).then(() =>
      superseded() ? Promise.reject(new SupersededError()) : base.query(sql, signal));
    tails.set(base, answer.catch(() => undefined));
    return answer;
  };
  return {
    query: (sql) => (superseded() ? Promise.reject(new SupersededError()) : send(sql)),
    registerFile: (name, source) => base.registerFile(name, source),
    dropFile: (name) => base.dropFile(name),
    close: () => base.close()
  };
}
