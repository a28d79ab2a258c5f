/**
 * Plans kept by statement text. DuckDB spends a good share of a view's statement on parsing, binding and optimising
 * it (docs/performance.md: 20–35 ms of a 60–90 ms statement in the tab). A statement prepared once (`PREPARE name AS
 * …`) and then run as `EXECUTE name` keeps its plan: the next time the same text is asked for, only the execution
 * is paid. The figures are computed afresh each time; only the plan is kept.
 *
 * A plan is kept per text, not per filter with the values as parameters: DuckDB binds a prepared statement with
 * parameters again on every execution, so that would keep nothing. Choosing a selection seen before in the
 * session (going back to a unit, or between women and men) is what gets faster.
 *
 * When a table a plan reads is replaced, DuckDB binds the plan again by itself. The engine still calls `clear()`
 * when it drops or replaces tables, so that no kept plan holds on to the storage of a table that is gone.
 */

/** One SELECT statement (no `;` anywhere, to be sure there is only one): the statements that are kept. */
export function keepable(sql: string): boolean {
  return /^\s*(SELECT|WITH)\b/i.test(sql) && !sql.includes(';');
}

/** A statement that drops or replaces a table (or anything else): kept plans may read what it drops. */
export function dropsTables(sql: string): boolean {
  return /\b(DROP|REPLACE)\b/i.test(sql);
}

export interface PlannedStatement {
  /** To run first, in this order and as one batch: plans let go of, and the new statement's PREPARE. */
  before: string | null;
  /** The statement that answers: `EXECUTE name`, or the text itself when it is not kept. */
  run: string;
  /** The statement is prepared in `before` (if that fails, `sql` is run itself: see statement()). */
  prepared: boolean;
}

export class PlanCache {
  /** Statement text → prepared statement's name, least recently used first. */
  private names = new Map<string, string>();
  /** Names to let go of (DEALLOCATE) before the next statement. */
  private released: string[] = [];
  /** Texts DuckDB could not prepare: run as they are. */
  private refused = new Set<string>();
  private seq = 0;

  constructor(private readonly limit = 64) {}

  get size(): number {
    return this.names.size;
  }

  /** What to send for `sql`. */
  plan(sql: string): PlannedStatement {
    const before = this.released.splice(0).map((n) => `DEALLOCATE ${n}`);
    const batch = () => (before.length ? before.join('; ') : null);
    if (!keepable(sql) || this.refused.has(sql)) return { before: batch(), run: sql, prepared: false };
    const known = this.names.get(sql);
    if (known) {
      this.names.delete(sql);
      this.names.set(sql, known);
      return { before: batch(), run: `EXECUTE ${known}`, prepared: false };
    }
    const name = `sf_plan_${++this.seq}`;
    this.names.set(sql, name);
    if (this.names.size > this.limit) {
      const [oldest, oldName] = this.names.entries().next().value as [string, string];
      this.names.delete(oldest);
      before.push(`DEALLOCATE ${oldName}`);
    }
    before.push(`PREPARE ${name} AS ${sql}`);
    return { before: batch(), run: `EXECUTE ${name}`, prepared: true };
  }

  /**
   * The statement to send for `sql`, after `runBatch` has run what must come first (on the same connection).
   * If preparing fails, `sql` is run as it is, now and later, and fails there if it is wrong; if only letting go of
   * old plans fails, nothing is lost. When nothing must come first (a plan kept, or a statement not kept) the answer
   * is given at once, not as a promise, so that the caller can send it in the same turn (engine/scoped.ts).
   */
  statement(sql: string, runBatch: (batch: string) => Promise<unknown>): string | Promise<string> {
    const planned = this.plan(sql);
    return planned.before === null ? planned.run : this.after(planned, sql, runBatch);
  }

  private async after(planned: PlannedStatement, sql: string, runBatch: (batch: string) => Promise<unknown>): Promise<string> {
    try {
      await runBatch(planned.before!);
    } catch {
      if (planned.prepared) {
        this.failed(sql);
        return sql;
      }
    }
    return planned.run;
  }

  /** Preparing `sql` failed: it is run as it is from now on. */
  private failed(sql: string): void {
    const name = this.names.get(sql);
    if (name === undefined) return;
    this.names.delete(sql);
    this.refused.add(sql);
  }

  /** Let go of every plan (before the next statement): tables were dropped or replaced. */
  clear(): void {
    this.released.push(...this.names.values());
    this.names.clear();
    this.refused.clear();
  }
}
