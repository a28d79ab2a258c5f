/**
 * An engine for one run of a view's queries: once the run is superseded (the filters changed again), its next
 * statement is not sent to DuckDB but fails with `SupersededError`, so a quick series of filter changes does not
 * queue every statement of every stale redraw in the worker. A statement already sent runs to its end.
 */
import type { Engine } from './types';

export class SupersededError extends Error {
  constructor() {
    super('superseded by a newer query');
    this.name = 'SupersededError';
  }
}

export function scopedEngine(base: Engine, superseded: () => boolean): Engine {
  return {
    query: (sql) => (superseded() ? Promise.reject(new SupersededError()) : base.query(sql)),
    registerFile: (name, source) => base.registerFile(name, source),
    dropFile: (name) => base.dropFile(name),
    close: () => base.close()
  };
}
