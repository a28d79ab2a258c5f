/**
 * Progress of a load (issue 7): by stage, weighted by how long each stage takes for a large file
 * (docs/performance.md: reading and checking the rows and building the episodes are each a little under half of a
 * load), and within a stage by DuckDB's own progress of the running statement (for the read: the share of the
 * file's bytes read; the browser engine passes it on, see BrowserEngine.setProgressHandler).
 */
import type { LoadStage } from './dataset';

export type ProgressStage = LoadStage | 'finish';

/** Share of a load's time per stage (reading and checking are split evenly over the files). */
export const STAGE_WEIGHTS: Record<ProgressStage, number> = { read: 0.45, check: 0.03, dedupe: 0.07, episodes: 0.4, finish: 0.05 };

export interface LoadProgress {
  stage: ProgressStage;
  /** 1-based step number and the number of steps (two per file, then de-duplication, episodes, overview). */
  step: number;
  steps: number;
  /** 0–1: the share of the load done when this stage started. */
  fraction: number;
  /** 0–1: the share of the load this stage takes (fraction + span × the statement's progress). */
  span: number;
  /** The file being read (read/check stages), else null. */
  file: string | null;
}

/** Where a load of `files` files (0 for a rebuild without new files) stands when `stage` starts. */
export function progressAt(files: number, stage: ProgressStage, fileIndex = 0, file: string | null = null): LoadProgress {
  const w = STAGE_WEIGHTS;
  const perFile = files > 0 ? (w.read + w.check) / files : 0;
  const ingest = files > 0 ? w.read + w.check : 0;
  // A rebuild alone spreads the whole bar over its own stages.
  const scale = files > 0 ? 1 : 1 / (w.dedupe + w.episodes + w.finish);
  const steps = files * 2 + 3;
  const readShare = w.read / (w.read + w.check);
  switch (stage) {
    case 'read':
      return { stage, step: fileIndex * 2 + 1, steps, fraction: fileIndex * perFile, span: perFile * readShare, file };
    case 'check':
      return { stage, step: fileIndex * 2 + 2, steps, fraction: fileIndex * perFile + perFile * readShare, span: perFile * (1 - readShare), file };
    case 'dedupe':
      return { stage, step: files * 2 + 1, steps, fraction: ingest * scale, span: w.dedupe * scale, file: null };
    case 'episodes':
      return { stage, step: files * 2 + 2, steps, fraction: (ingest + w.dedupe) * scale, span: w.episodes * scale, file: null };
    case 'finish':
      return { stage, step: files * 2 + 3, steps, fraction: (ingest + w.dedupe + w.episodes) * scale, span: w.finish * scale, file: null };
  }
}

/** The bar's value: the stage's start plus its share times the statement's progress (0–100, clamped). */
export function barValue(p: LoadProgress, statementPercent: number): number {
  const pct = Math.min(100, Math.max(0, Number.isFinite(statementPercent) ? statementPercent : 0));
  return Math.min(1, p.fraction + p.span * (pct / 100));
}
