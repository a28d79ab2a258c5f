/**
 * Several SELECTs answered by one statement. In the tab each statement costs a few milliseconds whatever it reads
 * (binding, setting up the pipelines, the Arrow answer and its trip from the worker: docs/performance.md), so a view
 * that reads several small results per redraw asks for them together.
 *
 * `partsSql` stacks the parts with UNION ALL BY NAME, each part's rows packed into a struct column of its own (so
 * the parts keep their column names and types), numbered in the part's own order; shared relations (`with`) are
 * computed once per statement as materialised CTEs, under the names the parts read them by. `splitParts` unpacks
 * the answer into each part's rows, as `queryRows` would have returned them (tests/unit/parts.test.ts).
 */
import { DataType, type Table, type Vector } from 'apache-arrow';
import { plain } from './rows';
import type { Engine, Row } from './types';

export interface PartsQuery<K extends string> {
  /** Relations computed once and read by the parts by these names (materialised CTEs, in this order). */
  with?: Record<string, string>;
  /** The SELECTs, each with its own ORDER BY if its order matters; null: no such part this time (its rows: none). */
  parts: Record<K, string | null>;
}

/** The parts that are asked for, in the order given. */
function asked<K extends string>(q: PartsQuery<K>): K[] {
  return (Object.keys(q.parts) as K[]).filter((k) => q.parts[k] !== null);
}

const col = (i: number) => `sf_part_${i}`;

/** One statement answering every part (see the module's comment). */
export function partsSql<K extends string>(q: PartsQuery<K>): string {
  const keys = asked(q);
  if (keys.length === 0) throw new Error('partsSql: no part');
  const ctes = Object.entries(q.with ?? {}).map(([name, sql]) => `${name} AS MATERIALIZED (${sql})`);
  const branches = keys.map((k, i) =>
    `SELECT ${i} AS sf_part, row_number() OVER () AS sf_row, ${col(i)} FROM (${q.parts[k]}) ${col(i)}`);
  return `${ctes.length ? `WITH ${ctes.join(',\n')}\n` : ''}SELECT * FROM (
${branches.join('\nUNION ALL BY NAME\n')}
) ORDER BY sf_part, sf_row`;
}

/** The rows of each part of a `partsSql` answer, in the part's order, as plain rows (rows.ts). */
export function splitParts<K extends string>(table: Table, keys: readonly K[]): Record<K, Row[]> {
  const out = {} as Record<K, Row[]>;
  const part = table.getChild('sf_part');
  keys.forEach((k) => (out[k] = []));
  if (!part) return out;
  const structs = keys.map((_k, i) => {
    const field = table.schema.fields.find((f) => f.name === col(i));
    const vector = table.getChild(col(i));
    if (!field || !vector || !DataType.isStruct(field.type)) throw new Error(`partsSql: no struct column for part ${i}`);
    const children = field.type.children;
    return children.map((c, j) => ({ name: c.name, type: c.type, vector: vector.getChildAt(j) as Vector }));
  });
  for (let r = 0; r < table.numRows; r++) {
    const i = Number(part.get(r));
    const row: Row = {};
    for (const c of structs[i]) row[c.name] = plain(c.vector.get(r), c.type);
    out[keys[i]].push(row);
  }
  return out;
}

/**
 * Run the parts as one statement; each part's rows as `queryRows` would return them (typed by `T`, part → row type).
 * A part given as null has no rows; when every part is null, no statement is sent.
 */
export async function queryParts<T extends { [P in keyof T]: Row }>(
  engine: Engine, q: { with?: Record<string, string>; parts: { [P in keyof T]: string | null } }
): Promise<{ [P in keyof T]: T[P][] }> {
  const all = Object.keys(q.parts) as Extract<keyof T, string>[];
  const keys = asked(q);
  const rows = keys.length ? splitParts(await engine.query(partsSql(q)), keys) : ({} as Record<string, Row[]>);
  return Object.fromEntries(all.map((k) => [k, rows[k] ?? []])) as { [P in keyof T]: T[P][] };
}
