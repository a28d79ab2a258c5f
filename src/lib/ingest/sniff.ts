/**
 * Looks at the first bytes of a file: is it usable at all, which encoding, which delimiter, which header row,
 * which shape (certificates or episodes). Pure TypeScript, shared by the browser and the CLI.
 * The rows themselves are parsed and validated by SQL (src/lib/ingest/sql.ts).
 */
import { headerRoles, type CanonicalColumn, type ColumnRole } from './headers';

export const SNIFF_BYTES = 64 * 1024;

export type Encoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';
export type Delimiter = ',' | ';' | '\t';
export type Shape = 'certificates' | 'episodes';

/** Why a file is refused, as a code the UI turns into one sentence (src/lib/i18n). */
export type RefusalCode =
  | 'empty'
  | 'spreadsheet'
  | 'binary'
  | 'no_header'
  | 'missing_required';

export interface Refusal {
  ok: false;
  code: RefusalCode;
  /** Missing required columns (canonical names), for 'missing_required'. */
  missing?: CanonicalColumn[];
  shape?: Shape;
}

export interface Sniffed {
  ok: true;
  encoding: Encoding;
  delimiter: Delimiter;
  /** 0-based index of the header's line among the file's lines (title rows above it are skipped). */
  headerLine: number;
  headers: string[];
  roles: ColumnRole[];
  shape: Shape;
  /** Slash dates in the sample read as D/M/YYYY because some day part is > 12 and no month part is. */
  dayFirstEvidence: boolean;
  /** Headers dropped at parse time because they hold patient names. */
  droppedNameColumns: string[];
}

export type SniffResult = Sniffed | Refusal;

export const REQUIRED: Record<Shape, CanonicalColumn[]> = {
  certificates: ['patient_id', 'start_date', 'end_date', 'degree'],
  episodes: ['patient_id', 'start_date', 'end_date']
};

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  return sig.every((b, i) => bytes[i] === b);
}

/** Decode a sample, choosing the encoding. A truncated multi-byte sequence at the very end is tolerated. */
export function detectEncoding(bytes: Uint8Array): { encoding: Encoding; text: string } {
  if (startsWith(bytes, [0xff, 0xfe])) return { encoding: 'utf-16le', text: new TextDecoder('utf-16le').decode(bytes) };
  if (startsWith(bytes, [0xfe, 0xff])) return { encoding: 'utf-16be', text: new TextDecoder('utf-16be').decode(bytes) };
  let end = bytes.length;
  // Back off up to 3 bytes so a UTF-8 sequence cut by the sample boundary does not look invalid.
  for (let k = 0; k < 3 && end > 0 && (bytes[end - 1] & 0xc0) === 0x80; k++) end--;
  if (end > 0 && bytes[end - 1] >= 0xc0) end--;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return { encoding: 'utf-8', text };
  } catch {
    return { encoding: 'windows-1252', text: new TextDecoder('windows-1252').decode(bytes) };
  }
}

/** Split CSV text into records of fields (RFC 4180 quoting), up to `maxRecords`. */
export function parseRecords(text: string, delimiter: string, maxRecords = 200): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let i = 0;
  const s = text.replace(/^\uFEFF/, '');
  while (i < s.length && records.length < maxRecords) {
    const ch = s[i];
    if (inQuotes) {
      if (ch === '"') {
        if (s[i + 1] === '"') { field += '"'; i += 2; continue; }
        inQuotes = false; i++; continue;
      }
      field += ch; i++; continue;
    }
    if (ch === '"' && field === '') { inQuotes = true; i++; continue; }
    if (ch === delimiter) { record.push(field); field = ''; i++; continue; }
    if (ch === '\r' || ch === '\n') {
      record.push(field); field = '';
      records.push(record); record = [];
      if (ch === '\r' && s[i + 1] === '\n') i++;
      i++; continue;
    }
    field += ch; i++;
  }
  if ((field !== '' || record.length > 0) && records.length < maxRecords && i >= s.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}

function isBinary(bytes: Uint8Array, encoding: Encoding): boolean {
  if (encoding.startsWith('utf-16')) return false;
  const n = Math.min(bytes.length, 4096);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return true;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  return control > n * 0.05;
}

function shapeOf(roles: ColumnRole[]): Shape {
  const has = (c: CanonicalColumn) => roles.includes(c);
  if (has('length') || has('certificates') || has('waiting_days') || !has('degree')) return 'episodes';
  return 'certificates';
}

const DELIMITERS: Delimiter[] = [';', ',', '\t'];
const MAX_TITLE_LINES = 10;

/** Inspect the first bytes of a file (at most SNIFF_BYTES are needed). */
export function sniff(bytes: Uint8Array): SniffResult {
  if (bytes.length === 0) return { ok: false, code: 'empty' };
  // xlsx/ods (zip) and legacy xls (OLE2) renamed to .csv
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) {
    return { ok: false, code: 'spreadsheet' };
  }
  const { encoding, text } = detectEncoding(bytes);
  if (isBinary(bytes, encoding)) return { ok: false, code: 'binary' };
  if (text.replace(/^\uFEFF/, '').trim() === '') return { ok: false, code: 'empty' };

  // Try each delimiter and each of the first lines as the header; keep the reading that recognises most columns.
  let best: { delimiter: Delimiter; headerLine: number; headers: string[]; roles: ColumnRole[]; score: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const records = parseRecords(text, delimiter, MAX_TITLE_LINES + 1);
    for (let line = 0; line < Math.min(records.length, MAX_TITLE_LINES); line++) {
      const headers = records[line];
      const roles = headerRoles(headers);
      const score = roles.filter((r) => r !== null && r !== 'name').length;
      if (score > 0 && (!best || score > best.score)) best = { delimiter, headerLine: line, headers, roles, score };
    }
  }
  if (!best || best.score < 2) return { ok: false, code: 'no_header' };

  const shape = shapeOf(best.roles);
  const missing = REQUIRED[shape].filter((c) => !best!.roles.includes(c));
  if (missing.length > 0) return { ok: false, code: 'missing_required', missing, shape };

  // Evidence for D/M/YYYY in the sample's date columns.
  const sample = parseRecords(text, best.delimiter, best.headerLine + 400).slice(best.headerLine + 1);
  const dateIdx = best.roles.flatMap((r, i) =>
    r === 'start_date' || r === 'end_date' || r === 'referral_date' || r === 'care_start_date' ? [i] : []);
  let firstOver12 = false;
  let secondOver12 = false;
  for (const rec of sample) {
    for (const i of dateIdx) {
      const m = /^\s*(\d{1,2})\/(\d{1,2})\/\d{4}\s*$/.exec(rec[i] ?? '');
      if (!m) continue;
      if (Number(m[1]) > 12) firstOver12 = true;
      if (Number(m[2]) > 12) secondOver12 = true;
    }
  }

  return {
    ok: true,
    encoding,
    delimiter: best.delimiter,
    headerLine: best.headerLine,
    headers: best.headers,
    roles: best.roles,
    shape,
    dayFirstEvidence: firstOver12 && !secondOver12,
    droppedNameColumns: best.headers.filter((_h, i) => best!.roles[i] === 'name')
  };
}
