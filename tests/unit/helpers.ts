/** Shared test helpers: load fixture files into a fresh Dataset on native DuckDB. */
import { join } from 'node:path';
import { NodeEngine } from '../../src/lib/engine/node';
import { Dataset } from '../../src/lib/dataset';
import { fileFromPath } from '../../src/lib/node-input';

export const FIXTURES = join(__dirname, '..', 'fixtures');
export const SAMPLES = join(__dirname, '..', '..', 'data-samples');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A dataset with the given fixture files loaded (not yet built). */
export async function loadFixtures(...names: string[]): Promise<{ engine: NodeEngine; ds: Dataset }> {
  const engine = await NodeEngine.create();
  const ds = new Dataset(engine, 'test-salt');
  for (const n of names) await ds.addFile(fileFromPath(n.startsWith('/') ? n : fixture(n)));
  return { engine, ds };
}

/** A File-like input from bytes written to a temp name (for encoding and refusal tests). */
export function bytesInput(name: string, bytes: Uint8Array) {
  return {
    name,
    source: { kind: 'bytes' as const, bytes },
    head: async () => bytes.subarray(0, 64 * 1024),
    all: async () => bytes
  };
}
