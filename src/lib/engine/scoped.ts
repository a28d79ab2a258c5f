/**
 * An engine for one run of a view's queries: once the run is superseded (the filters changed again), its next
 * statement is not sent to DuckDB but fails with `SupersededError`, so a quick series of filter changes does not
 * queue every statement of every stale redraw in the worker.
 *
 * The runs of all views share one queue per engine: a statement is sent when the one before it has been answered,
 * and whether its run is superseded is decided then. DuckDB answers one statement at a time anyway, and a view asks
 * for its figures in few statements (engine/parts.ts). The statement already sent gets the run's `signal`: the
 * browser's engine cancels it when the run is superseded (browser.ts), so a stale redraw stops where it is.
 *
 * The next statement is sent in the same turn as the answer before it arrives, before that answer is handed on: the
 * view that asked then draws it on the main thread while the worker already runs the next statement (sent after the
 * drawing, the worker would wait for it; in the durations view that was about a third of a redraw).
 */
import type { Table } from 'apache-arrow';
import type { Engine } from './types';

export class SupersededError extends Error {
  constructor() {
    super('superseded by a newer query');
    this.name = 'SupersededError';
  }
}

interface Job {
  /** Sends the statement (an engine that posts to a worker posts before its first `await`). */
  start: () => Promise<Table>;
  superseded: () => boolean;
  resolve: (t: Table) => void;
  reject: (e: unknown) => void;
}

/** One statement at a time, in the order asked for. */
class Serial {
  private busy = false;
  private jobs: Job[] = [];

  add(job: Job): void {
    this.jobs.push(job);
    if (!this.busy) this.next();
  }

  private next(): void {
    for (let job = this.jobs.shift(); job; job = this.jobs.shift()) {
      if (job.superseded()) {
        job.reject(new SupersededError());
        continue;
      }
      this.busy = true;
      const done = job;
      let answer: Promise<Table>;
      try {
        answer = job.start();
      } catch (e) {
        answer = Promise.reject(e);
      }
      // The next statement first, then this one's answer to whoever waits for it.
      answer.then(
        (t) => { this.busy = false; this.next(); done.resolve(t); },
        (e) => { this.busy = false; this.next(); done.reject(e); }
      );
      return;
    }
  }
}

/** The queue of statements sent through scoped engines, per engine. */
const queues = new WeakMap<Engine, Serial>();

export function scopedEngine(base: Engine, superseded: () => boolean, signal?: AbortSignal): Engine {
  let queue = queues.get(base);
  if (!queue) queues.set(base, (queue = new Serial()));
  const serial = queue;
  return {
    query: (sql) => (superseded()
      ? Promise.reject(new SupersededError())
      : new Promise<Table>((resolve, reject) => serial.add({ start: () => base.query(sql, signal), superseded, resolve, reject }))),
    registerFile: (name, source) => base.registerFile(name, source),
    dropFile: (name) => base.dropFile(name),
    close: () => base.close()
  };
}
