/**
 * Physical line numbers of rejected rows. SQL numbers a rejected row by its record position (counting newlines
 * inside quoted cells), but it never sees the records that are not rows: blank lines (DuckDB skips them) and rows
 * whose cells are all empty (`;;;;` left by Excel, skipped by the ingest SQL). This scan finds the physical lines
 * where such records start, and `shiftLines` moves each rejected row's line past them.
 */

/** Physical (1-based) lines after the header where a record with only empty cells starts. */
export function skippedRecordLines(text: string, delimiter: string, headerLine: number): number[] {
  const out: number[] = [];
  let line = 1;
  let i = 0;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // skip the title lines and the header record
  let records = 0;
  let inQuotes = false;
  let recordStart = 1;
  let blank = true;
  for (; i < s.length; i++) {
    const ch = s[i];
    if (inQuotes) {
      if (ch === '"') {
        if (s[i + 1] === '"') i++;
        else inQuotes = false;
      } else if (ch === '\n') line++;
      blank = false;
      continue;
    }
    if (ch === '"') { inQuotes = true; blank = false; continue; }
    if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      if (records > headerLine && blank) out.push(recordStart);
      records++;
      line++;
      recordStart = line;
      blank = true;
      continue;
    }
    if (ch !== delimiter && ch !== ' ' && ch !== '\t') blank = false;
  }
  if (records > headerLine && blank && i > 0 && recordStart <= line && s.length > 0 && !/[\r\n]$/.test(s)) out.push(recordStart);
  return out;
}

/** Lines as numbered without the skipped records → physical lines (ascending skipped lines). */
export function shiftLines(lines: number[], skipped: number[]): number[] {
  const sorted = [...skipped].sort((a, b) => a - b);
  return lines.map((l) => {
    let v = l;
    for (const p of sorted) if (v >= p) v++;
    return v;
  });
}
