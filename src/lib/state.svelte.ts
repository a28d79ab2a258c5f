/**
 * The dashboard's state: the engine, the loaded dataset, the shared filters and settings.
 * One instance (`app`) used by every component.
 */
import type { Engine } from './engine/types';
import { BROWSER_MAX_BYTES, Dataset, exceedsBrowserLimit, type FileReport, type InputFile } from './dataset';
import { progressAt, type LoadProgress } from './load-progress';
import { catalogues, type Locale, type Messages } from './i18n';
import { NO_FILTERS, type Filters } from './analysis/filters';
import { DEFAULT_GAP } from './analysis/episodes';
import { queryOne, queryRows } from './engine/rows';
import { refusalSentence } from './ingest/messages';
import { physicianLabel, primePhysicianAliases } from './privacy';
import { fmtInt } from './format';
import { ensureFmb } from './analysis/fmb';

export const VIEWS = ['overview', 'durations', 'watch', 'waiting', 'equality', 'physicians', 'units', 'report', 'data'] as const;
export type View = (typeof VIEWS)[number];

export interface Options {
  units: string[];
  physicians: string[];
  quarters: string[];
  minDate: string | null;
  maxDate: string | null;
}

export interface Refusal {
  name: string;
  sentence: string;
}

class AppState {
  engine: Engine | null = null;
  dataset = $state.raw<Dataset | null>(null);
  status = $state<'starting' | 'loading' | 'ready' | 'error'>('starting');
  error = $state<string | null>(null);
  loadingName = $state<string | null>(null);
  /** The running load's stage (a bar is shown once a load has taken half a second). */
  progress = $state.raw<LoadProgress | null>(null);
  progressShown = $state(false);
  /** DuckDB's progress (0–100) of the stage's longest statement so far (the browser engine reports it). */
  stagePercent = $state(0);
  /** Bytes of each loaded file (browser files), for the browser's size limit. */
  private bytes = new Map<number, number>();
  private progressFiles: number | null = null;
  /** Bumped whenever the episodes table is rebuilt: views re-query when it changes. */
  version = $state(0);
  /** Answers that depend on the loaded data but not on the filters, for the current `version` (`perBuild`). */
  private memo = new Map<string, { version: number; value: Promise<unknown> }>();
  files = $state.raw<FileReport[]>([]);
  refusals = $state.raw<Refusal[]>([]);
  filters = $state<Filters>({ ...NO_FILTERS });
  gap = $state(DEFAULT_GAP);
  asOfSetting = $state<string | null>(null);
  asOf = $state<string | null>(null);
  options = $state.raw<Options>({ units: [], physicians: [], quarters: [], minDate: null, maxDate: null });
  locale = $state<Locale>('sv');
  view = $state<View>('overview');
  /** Share mode: counts under 5 suppressed, physicians pseudonymised, no patient-level lists. */
  share = $state(false);
  pseudonymisePhysicians = $state(false);

  get m(): Messages {
    return catalogues[this.locale];
  }

  get hasSample(): boolean {
    return this.files.some((f) => f.ok && f.sample);
  }

  async start(engine: Engine, sample: InputFile | null): Promise<void> {
    this.engine = engine;
    this.dataset = new Dataset(engine);
    (engine as { setProgressHandler?: (fn: (percent: number) => void) => void }).setProgressHandler?.((percent) => {
      if (this.progress) this.stagePercent = Math.max(this.stagePercent, percent);
    });
    await ensureFmb(engine);
    if (sample) await this.load([sample]);
    else this.status = 'ready';
  }

  /** Load files. The first of the user's own files replaces the sample data. */
  async load(inputs: InputFile[]): Promise<void> {
    const ds = this.dataset;
    if (!ds) return;
    this.status = 'loading';
    performance.mark('load:start');
    const refusals: Refusal[] = [];
    const endProgress = this.beginProgress(inputs.length);
    try {
      for (const [i, input] of inputs.entries()) {
        this.loadingName = input.name;
        // Too large for the tab's memory: refused before anything is read (docs/performance.md).
        const loaded = ds.files.filter((f) => !f.sample).reduce((a, f) => a + (this.bytes.get(f.fileId) ?? 0), 0);
        if (!input.sample && input.size !== undefined && exceedsBrowserLimit(loaded, input.size, this.maxBytes)) {
          const mb = (n: number) => fmtInt(n / 2 ** 20, this.m.locale);
          refusals.push({ name: input.name, sentence: this.m.performance.tooLarge(mb(input.size), mb(this.maxBytes)) });
          continue;
        }
        ds.onStage = (stage) => this.setStage(progressAt(inputs.length, stage, i, input.name));
        const report = await ds.addFile(input);
        if (!report.ok) {
          refusals.push({ name: input.name, sentence: refusalSentence(this.m, report) });
          continue;
        }
        this.bytes.set(report.fileId, input.size ?? 0);
        // The sample data goes once a file of the user's own is actually usable.
        if (!input.sample) {
          for (const f of ds.files.filter((x) => x.sample)) await ds.removeFile(f.fileId);
        }
      }
      this.refusals = refusals;
      performance.mark('load:ingested');
      await this.rebuild();
    } catch (e) {
      this.error = String((e as Error).message ?? e);
      this.status = 'error';
    } finally {
      this.loadingName = null;
      endProgress();
    }
  }

  /** The browser's size limit (a test may lower it through globalThis.__sfMaxBytes). */
  get maxBytes(): number {
    return (globalThis as { __sfMaxBytes?: number }).__sfMaxBytes ?? BROWSER_MAX_BYTES;
  }

  private setStage(p: LoadProgress): void {
    this.stagePercent = 0;
    this.progress = p;
  }

  /** Start following a load's stages (`files` new files; 0 for a rebuild); returns the function that ends it. */
  private beginProgress(files: number): () => void {
    if (this.progressFiles !== null) return () => undefined;
    this.progressFiles = files;
    const timer = setTimeout(() => (this.progressShown = true), 500);
    return () => {
      clearTimeout(timer);
      if (this.dataset) this.dataset.onStage = null;
      this.progressFiles = null;
      this.progress = null;
      this.progressShown = false;
    };
  }

  async removeFile(fileId: number): Promise<void> {
    if (!this.dataset) return;
    await this.dataset.removeFile(fileId);
    this.bytes.delete(fileId);
    await this.rebuild();
  }

  async renameUnit(fileId: number, unit: string): Promise<void> {
    if (!this.dataset) return;
    await this.dataset.renameFileUnit(fileId, unit);
    await this.rebuild();
  }

  /** Rebuild episodes (after a load, or when the gap or export date changes). */
  async rebuild(): Promise<void> {
    const ds = this.dataset;
    if (!ds || !this.engine) return;
    this.status = 'loading';
    const endProgress = this.beginProgress(0);
    const files = this.progressFiles ?? 0;
    ds.onStage = (stage) => this.setStage(progressAt(files, stage));
    try {
      await this.rebuildTables(ds, this.engine);
    } finally {
      endProgress();
    }
  }

  private async rebuildTables(ds: Dataset, e: Engine): Promise<void> {
    const built = await ds.build({ gap: this.gap, asOf: this.asOfSetting });
    performance.mark('load:built');
    this.setStage(progressAt(this.progressFiles ?? 0, 'finish'));
    this.asOf = built.asOf;
    const units = await queryRows<{ v: string }>(e, `SELECT DISTINCT unit AS v FROM episodes WHERE unit IS NOT NULL ORDER BY 1`);
    const phys = await queryRows<{ v: string }>(e, `SELECT DISTINCT physician AS v FROM episodes WHERE physician IS NOT NULL ORDER BY 1`);
    const quarters = await queryRows<{ v: string }>(e, `SELECT DISTINCT start_quarter AS v FROM episodes ORDER BY 1 DESC`);
    const range = await queryOne<{ lo: string | null; hi: string | null }>(e,
      `SELECT strftime(min(start_date), '%Y-%m-%d') AS lo, strftime(max(end_date), '%Y-%m-%d') AS hi FROM episodes`);
    primePhysicianAliases(phys.map((r) => r.v));
    this.options = {
      units: units.map((r) => r.v), physicians: phys.map((r) => r.v), quarters: quarters.map((r) => r.v),
      minDate: range.lo, maxDate: range.hi
    };
    this.files = [...ds.files];
    this.version++;
    this.status = 'ready';
  }

  /**
   * An answer that depends on the loaded data and settings only (not on the filters), computed once per build:
   * a filter change does not run it again. `run` gets the app's engine, not a view run's (src/lib/engine/scoped.ts):
   * the answer is shared, so a superseded run must not be able to fail it for the others.
   */
  perBuild<T>(key: string, run: (engine: Engine) => Promise<T>): Promise<T> {
    const hit = this.memo.get(key);
    if (hit && hit.version === this.version) return hit.value as Promise<T>;
    if (!this.engine) return Promise.reject(new Error('no engine yet'));
    const value = run(this.engine);
    this.memo.set(key, { version: this.version, value });
    value.catch(() => this.memo.delete(key));
    return value;
  }

  /** A physician as shown (pseudonymised in share mode or when asked). */
  physician(id: string | null): string {
    return physicianLabel(id, this.share || this.pseudonymisePhysicians, this.locale === 'sv' ? 'Läkare' : 'Physician');
  }

  resetFilters(): void {
    this.filters = { ...NO_FILTERS };
  }
}

export const app = new AppState();
// The benchmark (scripts/bench.ts) reaches the state through this handle; users never set __sfProfile.
if ((globalThis as { __sfProfile?: boolean }).__sfProfile) (globalThis as { __sf?: AppState }).__sf = app;
