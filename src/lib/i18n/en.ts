import type { Messages } from './sv';

const reasonNames = {
  wait_investigation: 'Waiting for investigation',
  wait_treatment: 'Waiting for treatment',
  wait_surgery: 'Waiting for surgery',
  wait_specialist: 'Waiting for specialist assessment',
  wait_rehabilitation: 'Waiting for rehabilitation',
  medical: 'Medically motivated',
  worsening: 'Worsening',
  workplace: 'Workplace related',
  other: 'Other',
  unknown: 'Unknown reason',
  none: 'No reason given'
};

/** English: the same keys as sv.ts. */
export const en: Messages = {
  locale: 'en-GB',
  app: {
    title: 'Sjukfallsanalys',
    tagline: "Follow-up of the unit's sick leave: length, waiting, gender equality and variation.",
    privacy: 'Everything is computed in your browser. No data leaves the computer; personal identity numbers are replaced by pseudonyms as files are read.',
    loadingEngine: 'Starting the analysis engine …',
    engineFailed: 'The analysis engine could not start in this browser.',
    language: 'Language',
    skipToContent: 'Skip to content'
  },
  nav: {
    label: 'Views',
    overview: 'Overview',
    durations: 'Sick-leave length',
    watch: 'Watch list',
    waiting: 'Waiting',
    equality: 'Gender equality',
    physicians: 'Physicians',
    units: 'Units',
    report: 'Quarterly report',
    data: 'Data and loading'
  },
  load: {
    heading: 'Data',
    sampleBadge: 'Sample data',
    sampleNote: 'You are looking at synthetic sample data. Drop your own files here and they replace it.',
    dropHere: "Drop CSV files here (certificates, episodes or the rehab tool's list export)",
    pick: 'Choose files …',
    loading: (name: string) => `Reading ${name} …`,
    progress: (rows: string) => `${rows} rows read`,
    summaryHeading: 'Loaded files',
    file: 'File',
    shape: 'Kind',
    shapes: { certificates: 'Certificates', episodes: 'Episodes', mixed: 'Mixed' },
    rowsRead: 'Rows read',
    rowsAccepted: 'Accepted',
    rowsRejected: 'Rejected',
    duplicates: 'Duplicates merged',
    pseudonymised: 'Identity numbers pseudonymised',
    namesDropped: 'Name columns dropped',
    unit: 'Unit (from the file name)',
    remove: (name: string) => `Remove ${name}`,
    downloadRejects: 'Download rejected rows (CSV)',
    refused: (name: string) => `${name} was not loaded.`,
    keptNote: 'The data loaded before is still loaded.',
    pseudonymNote: (n: string) => `${n} identity numbers were replaced by pseudonyms (a salted hash valid for this session only).`,
    namesNote: (cols: string) => `Columns with patient names were dropped while reading: ${cols}.`,
    rejectsHeading: 'Rejected rows',
    line: 'Line',
    reason: 'Reason',
    text: 'Row content (identity numbers replaced)',
    rejectsShown: (shown: string, total: string) => `Showing ${shown} of ${total} rejected rows.`
  },
  refusal: {
    empty: 'The file is empty. Expected a CSV file with a header row and at least one row of certificates or episodes.',
    spreadsheet: 'The file is an Excel workbook, not a CSV file. Save it as CSV (semicolon separated) in Excel and drop it again.',
    binary: 'The file contains binary data and is not a text file. Expected a CSV file of certificates or episodes.',
    no_header: 'No recognisable header row was found. Expected columns such as personnummer, start date, end date and degree.',
    missing_required: (cols: string, shape: string) =>
      `The column ${cols} is missing. A file of ${shape === 'episodes' ? 'episodes needs a personnummer (or patient id), a start date and an end date' : 'certificates needs a personnummer (or patient id), a start date, an end date and a degree'}.`,
    unreadable: 'The file could not be read. Expected a CSV file of certificates or episodes.'
  },
  columns: {
    patient_id: 'personnummer/patient id', start_date: 'start date', end_date: 'end date', degree: 'degree',
    gender: 'gender', age: 'age', unit: 'unit', physician: 'physician', diagnosis: 'diagnosis', certificate_id: 'certificate id',
    extension_reason: 'extension reason', referral_date: 'referral date', care_start_date: 'care start date',
    waiting_cause: 'waiting for', length: 'length', certificates: 'number of certificates', waiting_days: 'waiting days'
  },
  reject: {
    line: (line: string, reason: string) => `line ${line}: ${reason}`,
    missing_patient: () => 'personnummer/patient id is missing',
    missing_start: () => 'start date is missing',
    missing_end: () => 'end date is missing',
    missing_degree: () => 'degree is missing',
    bad_start: (v: string) => `start date ${v} is not a valid date`,
    bad_end: (v: string) => `end date ${v} is not a valid date`,
    ambiguous_start: (v: string) => `start date ${v} is ambiguous (day/month?); write dates as YYYY-MM-DD`,
    ambiguous_end: (v: string) => `end date ${v} is ambiguous (day/month?); write dates as YYYY-MM-DD`,
    end_before_start: (end: string, start: string) => `end date ${end} is before start date ${start}`,
    bad_degree: (v: string) => `degree ${v} is not 25, 50, 75 or 100 %`,
    too_long: (start: string, end: string) => `the period ${start} – ${end} is longer than 5 years`,
    too_many_fields: () => 'the row has more fields than the header',
    malformed: () => 'the row cannot be read (a quote that is never closed)'
  },
  filters: {
    heading: 'Selection',
    period: 'Period',
    all: 'Whole period',
    last12: 'Last 12 months',
    custom: 'Custom dates',
    from: 'From',
    to: 'To',
    unit: 'Unit',
    physician: 'Physician',
    group: 'Diagnosis group',
    gender: 'Gender',
    age: 'Age band',
    any: 'All',
    reset: 'Clear selection',
    settings: 'Settings',
    gap: 'Gap that merges certificates into one episode (days, 0–90)',
    gapHelp: 'A new certificate belongs to the same episode when it starts at most this many days after the previous one ended. Default 5 days, as in the national tools.',
    asOf: 'Export date (ongoing episodes are counted up to it)',
    asOfHelp: 'Default: the latest start date in the data.',
    apply: 'Recompute',
    selectionCount: (n: string) => `${n} episodes in the selection`
  },
  gender: { K: 'Women', M: 'Men', total: 'Total', unknown: 'Unknown gender', woman: 'Woman', man: 'Man' },
  groups: {
    psychiatric: 'Psychiatric (F)',
    musculoskeletal: 'Musculoskeletal (M)',
    somatic: 'Somatic (A–E, G–L, N)',
    symptom: 'Symptom diagnoses (R)',
    factors: 'Factors (Z)',
    pregnancy: 'Pregnancy (O)',
    other: 'Other (P, Q, S–Y)',
    invalid: 'No valid ICD-10 code'
  },
  ageBands: {
    '-20': '20 or younger', '21-30': '21–30', '31-40': '31–40', '41-50': '41–50',
    '51-60': '51–60', '61+': '61 or older', unknown: 'Unknown age'
  },
  bands: {
    '0-14': '0–14 days', '15-30': '15–30 days', '31-60': '31–60 days', '61-90': '61–90 days',
    '91-180': '91–180 days', '181-364': '181–364 days', '365-730': '365–730 days', '731+': '731 days or more'
  },
  reasons: reasonNames,
  overview: {
    heading: 'Overview',
    intro: (from: string, to: string, asOf: string) => `Episodes with at least one day in ${from} – ${to}. Export date ${asOf}.`,
    introAll: (asOf: string) => `All episodes in the data. Export date ${asOf}.`,
    episodes: 'Episodes',
    episodesDef: "One person's continuous sick leave, merged from certificates with at most the chosen gap between them.",
    women: 'Women',
    men: 'Men',
    genderDef: "Gender from the episode's last certificate (or the personnummer).",
    ongoing: 'Ongoing',
    ongoingDef: 'Episodes whose last certificate has not ended before the export date.',
    median: 'Median length (Kaplan–Meier)',
    medianDef: 'The first day by which at least half of the episodes have ended; ongoing episodes count as not yet ended.',
    over90: 'Share > 90 days',
    over90Def: 'Share of episodes with more than 90 days of sick leave (planned length, gaps not counted).',
    netDays: 'Net days',
    netDaysDef: 'Sum of certificate days × degree (30 days at 50 % = 15 net days).',
    days: (n: string) => `${n} days`,
    ci: (lo: string, hi: string) => `95 % CI ${lo}–${hi}`,
    none: '–',
    noData: 'No episodes in the selection.'
  },
  format: { decimal: '.', percentSuffix: ' %' },
  common: {
    total: 'Total',
    count: 'Count',
    share: 'Share',
    close: 'Close',
    download: 'Download',
    showTable: 'Show table',
    chartTable: 'Table behind the chart',
    error: (msg: string) => `Something went wrong: ${msg}`
  }
};
