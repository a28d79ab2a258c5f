/** Load reports and rejected rows in words (the catalogue's language). */
import type { Messages } from '../i18n';
import type { RefusedReport, RejectRow } from '../dataset';

/** One sentence saying why a file was refused and what was expected. */
export function refusalSentence(m: Messages, r: RefusedReport): string {
  if (r.code === 'missing_required') {
    const cols = (r.missing ?? []).map((c) => m.columns[c] ?? c).join(', ');
    return m.refusal.missing_required(cols, r.shape ?? 'certificates');
  }
  return m.refusal[r.code];
}

/** The reason of a rejected row in words, e.g. "slutdatum 2025-03-01 är före startdatum 2025-03-14". */
export function rejectReason(m: Messages, r: Pick<RejectRow, 'reason' | 'value1' | 'value2'>): string {
  const v1 = r.value1 ?? '';
  const v2 = r.value2 ?? '';
  switch (r.reason) {
    case 'bad_start': return m.reject.bad_start(v1);
    case 'bad_end': return m.reject.bad_end(v1);
    case 'ambiguous_start': return m.reject.ambiguous_start(v1);
    case 'ambiguous_end': return m.reject.ambiguous_end(v1);
    case 'end_before_start': return m.reject.end_before_start(v1, v2);
    case 'bad_degree': return m.reject.bad_degree(v1);
    case 'too_long': return m.reject.too_long(v1, v2);
    case 'missing_patient': return m.reject.missing_patient();
    case 'missing_start': return m.reject.missing_start();
    case 'missing_end': return m.reject.missing_end();
    case 'missing_degree': return m.reject.missing_degree();
    case 'too_many_fields': return m.reject.too_many_fields();
    default: return m.reject.malformed();
  }
}

/** "rad 212: slutdatum 2025-03-01 är före startdatum 2025-03-14" */
export function rejectLine(m: Messages, r: RejectRow): string {
  return m.reject.line(String(r.line), rejectReason(m, r));
}
