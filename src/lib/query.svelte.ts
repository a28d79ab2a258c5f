/**
 * Run an async query whenever its inputs change, keeping only the latest answer.
 * `deps` is read synchronously (so Svelte tracks it); `run` gets its value and an engine for this run only: once
 * the inputs change again, the run's statement in progress is cancelled and the rest are not sent
 * (src/lib/engine/scoped.ts).
 */
import { app } from './state.svelte';
import type { Engine } from './engine/types';
import { scopedEngine } from './engine/scoped';

export interface QueryState<T> {
  readonly value: T | null;
  readonly loading: boolean;
  readonly error: string | null;
}

export function useQuery<D, T>(deps: () => D, run: (d: D, engine: Engine) => Promise<T>): QueryState<T> {
  let value = $state.raw<T | null>(null);
  let loading = $state(false);
  let error = $state<string | null>(null);
  $effect(() => {
    // Re-run on every rebuild of the episodes table and whenever the inputs change.
    const version = app.version;
    const d = deps();
    if (version === 0 || !app.engine) return;
    let stale = false;
    const abort = new AbortController();
    loading = true;
    run(d, scopedEngine(app.engine, () => stale, abort.signal)).then(
      (v) => { if (!stale) { value = v; error = null; loading = false; } },
      (e) => { if (!stale) { error = String((e as Error).message ?? e); loading = false; } }
    );
    return () => { stale = true; abort.abort(); };
  });
  return {
    get value() { return value; },
    get loading() { return loading; },
    get error() { return error; }
  };
}
