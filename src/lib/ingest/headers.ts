/**
 * Header recognition (contract section 1). A file is recognised by its header row, not its name.
 * Headers are compared after normalisation: lower case, å/ä→a, ö→o, é→e, runs of non-alphanumerics → '_'.
 */

export const CANONICAL_COLUMNS = [
  'patient_id', 'start_date', 'end_date', 'degree', 'gender', 'age', 'unit', 'physician', 'diagnosis',
  'certificate_id', 'extension_reason', 'referral_date', 'care_start_date', 'waiting_cause',
  // shape B (episodes) only
  'length', 'certificates', 'waiting_days'
] as const;
export type CanonicalColumn = (typeof CANONICAL_COLUMNS)[number];

/** A header cell is a canonical column, a patient name (dropped at parse time), or ignored. */
export type ColumnRole = CanonicalColumn | 'name' | null;

const ALIASES: Record<CanonicalColumn | 'name', string[]> = {
  patient_id: ['patient_id', 'patient', 'personnummer', 'personnr', 'pnr', 'patientid', 'person_id'],
  start_date: ['start_date', 'startdatum', 'from', 'fran', 'fom', 'start', 'fran_och_med', 'sjukskrivning_fran'],
  end_date: ['end_date', 'slutdatum', 'to', 'till', 'tom', 'slut', 'till_och_med', 'sjukskrivning_till'],
  degree: ['degree', 'grad', 'sjukskrivningsgrad', 'omfattning', 'sjukskrivningsomfattning'],
  gender: ['gender', 'kon', 'sex'],
  age: ['age', 'alder'],
  unit: ['unit', 'enhet', 'vardenhet', 'mottagning', 'unit_name', 'vardcentral', 'klinik'],
  physician: ['physician', 'lakare', 'doctor', 'hsa_id', 'hsaid', 'intygsutfardare', 'lakare_hsa_id'],
  diagnosis: ['diagnosis', 'diagnos', 'diagnoskod', 'icd10', 'icd_10', 'huvuddiagnos', 'icd_10_se'],
  certificate_id: ['certificate_id', 'intyg_id', 'intygsid', 'intygs_id'],
  extension_reason: ['extension_reason', 'orsak_till_forlangning', 'forlangningsorsak', 'orsak'],
  referral_date: ['referral_date', 'remiss', 'remissdatum', 'remiss_datum'],
  care_start_date: ['care_start_date', 'vardstart', 'vard_paborjad', 'behandlingsstart', 'utredningsstart',
    'behandling_startad', 'care_start'],
  waiting_cause: ['waiting_cause', 'vantar_pa', 'vanteorsak', 'vantan_pa', 'waiting_for'],
  length: ['length', 'langd', 'sjukskrivningslangd', 'length_days', 'dagar', 'antal_dagar'],
  certificates: ['certificates', 'antal', 'antal_intyg', 'intyg', 'certificate_count'],
  waiting_days: ['waiting_days', 'vantetid', 'vantetid_dagar', 'vantedagar', 'dagar_i_vantan'],
  name: ['name', 'namn', 'patientnamn', 'patient_namn', 'patient_name', 'fornamn', 'efternamn', 'fullname',
    'full_name', 'tilltalsnamn']
};

/** Normalise a header cell for comparison. */
export function normaliseHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[åäáà]/g, 'a')
    .replace(/[öó]/g, 'o')
    .replace(/[éè]/g, 'e')
    .replace(/ü/g, 'u')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

const LOOKUP = new Map<string, CanonicalColumn | 'name'>();
for (const [canonical, aliases] of Object.entries(ALIASES)) {
  for (const a of aliases) LOOKUP.set(normaliseHeader(a), canonical as CanonicalColumn | 'name');
}

/** The role of one header cell. */
export function columnRole(header: string): ColumnRole {
  return LOOKUP.get(normaliseHeader(header)) ?? null;
}

/**
 * Roles for a header row. A canonical column is taken from its first occurrence only;
 * later duplicates are ignored (names are always dropped).
 */
export function headerRoles(headers: string[]): ColumnRole[] {
  const seen = new Set<string>();
  return headers.map((h) => {
    const role = columnRole(h);
    if (role === null || role === 'name') return role;
    if (seen.has(role)) return null;
    seen.add(role);
    return role;
  });
}
