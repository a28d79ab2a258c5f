/** Node-side InputFile for a path on disk (CLI, tests, benchmark). */
import { openSync, readSync, closeSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { InputFile } from './dataset';
import { SNIFF_BYTES } from './ingest/sniff';

export function fileFromPath(path: string, name = basename(path)): InputFile {
  return {
    name,
    source: { kind: 'path', path },
    async head() {
      const fd = openSync(path, 'r');
      try {
        const buf = new Uint8Array(SNIFF_BYTES);
        const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
        return buf.subarray(0, n);
      } finally {
        closeSync(fd);
      }
    },
    async all() {
      return new Uint8Array(readFileSync(path));
    }
  };
}
