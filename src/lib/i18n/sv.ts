/**
 * Every string the product shows, in Swedish (the users' language). English in en.ts has the same keys
 * (type-checked). Views add their own section here and in en.ts.
 */
const reasonNames = {
  wait_investigation: 'Väntan på utredning',
  wait_treatment: 'Väntan på behandling',
  wait_surgery: 'Väntan på operation',
  wait_specialist: 'Väntan på specialistbedömning',
  wait_rehabilitation: 'Väntan på rehabiliteringsinsats',
  medical: 'Medicinskt motiverad',
  worsening: 'Försämring',
  workplace: 'Arbetsplatsrelaterat',
  other: 'Annat',
  unknown: 'Okänd orsak',
  none: 'Ingen orsak angiven'
};

export const sv = {
  locale: 'sv-SE',
  app: {
    title: 'Sjukfallsanalys',
    tagline: 'Uppföljning av enhetens sjukskrivningar: längd, väntan, jämställdhet och variation.',
    privacy: 'Allt räknas i din webbläsare. Inga data lämnar datorn; personnummer ersätts med pseudonymer direkt vid inläsning.',
    loadingEngine: 'Startar analysmotorn …',
    engineFailed: 'Analysmotorn kunde inte startas i den här webbläsaren.',
    language: 'Språk',
    skipToContent: 'Hoppa till innehållet'
  },
  nav: {
    label: 'Vyer',
    overview: 'Översikt',
    durations: 'Sjukskrivningslängd',
    watch: 'Bevakning',
    waiting: 'Väntan',
    equality: 'Jämställdhet',
    physicians: 'Läkare',
    units: 'Enheter',
    report: 'Kvartalsrapport',
    data: 'Data och inläsning'
  },
  load: {
    heading: 'Data',
    sampleBadge: 'Exempeldata',
    sampleNote: 'Du ser syntetiska exempeldata. Släpp dina egna filer här, så ersätts exempeldata.',
    dropHere: 'Släpp CSV-filer här (intyg, sjukfall eller Rehabstöds listexport)',
    pick: 'Välj filer …',
    loading: (name: string) => `Läser in ${name} …`,
    progress: (rows: string) => `${rows} rader lästa`,
    summaryHeading: 'Inlästa filer',
    file: 'Fil',
    shape: 'Typ',
    shapes: { certificates: 'Intyg', episodes: 'Sjukfall', mixed: 'Blandat' } as Record<string, string>,
    rowsRead: 'Lästa rader',
    rowsAccepted: 'Godkända',
    rowsRejected: 'Avvisade',
    duplicates: 'Dubbletter sammanslagna',
    pseudonymised: 'Personnummer pseudonymiserade',
    namesDropped: 'Namnkolumner borttagna',
    unit: 'Enhet (från filnamnet)',
    remove: (name: string) => `Ta bort ${name}`,
    downloadRejects: 'Ladda ner avvisade rader (CSV)',
    refused: (name: string) => `${name} lästes inte in.`,
    keptNote: 'Tidigare inlästa data finns kvar.',
    pseudonymNote: (n: string) => `${n} personnummer ersattes med pseudonymer (saltad hash som bara gäller den här sessionen).`,
    namesNote: (cols: string) => `Kolumner med patientnamn togs bort vid inläsningen: ${cols}.`,
    rejectsHeading: 'Avvisade rader',
    line: 'Rad',
    reason: 'Orsak',
    text: 'Radens innehåll (personnummer ersatta)',
    rejectsShown: (shown: string, total: string) => `Visar ${shown} av ${total} avvisade rader.`
  },
  refusal: {
    empty: 'Filen är tom. Förväntade en CSV-fil med en rubrikrad och minst en rad med intyg eller sjukfall.',
    spreadsheet: 'Filen är en Excel-arbetsbok och ingen CSV-fil. Spara den som CSV (semikolonavgränsad) i Excel och släpp den igen.',
    binary: 'Filen innehåller binära data och är ingen textfil. Förväntade en CSV-fil med intyg eller sjukfall.',
    no_header: 'Hittade ingen rubrikrad som går att känna igen. Förväntade kolumner som personnummer, startdatum, slutdatum och sjukskrivningsgrad.',
    missing_required: (cols: string, shape: string) =>
      `Kolumnen ${cols} saknas. En fil med ${shape === 'episodes' ? 'sjukfall behöver personnummer (eller patient-id), startdatum och slutdatum' : 'intyg behöver personnummer (eller patient-id), startdatum, slutdatum och sjukskrivningsgrad'}.`,
    unreadable: 'Filen gick inte att läsa. Förväntade en CSV-fil med intyg eller sjukfall.'
  },
  columns: {
    patient_id: 'personnummer/patient-id', start_date: 'startdatum', end_date: 'slutdatum', degree: 'sjukskrivningsgrad',
    gender: 'kön', age: 'ålder', unit: 'enhet', physician: 'läkare', diagnosis: 'diagnos', certificate_id: 'intygs-id',
    extension_reason: 'orsak till förlängning', referral_date: 'remissdatum', care_start_date: 'vårdstart',
    waiting_cause: 'väntar på', length: 'längd', certificates: 'antal intyg', waiting_days: 'väntetid'
  } as Record<string, string>,
  reject: {
    line: (line: string, reason: string) => `rad ${line}: ${reason}`,
    missing_patient: () => 'personnummer/patient-id saknas',
    missing_start: () => 'startdatum saknas',
    missing_end: () => 'slutdatum saknas',
    missing_degree: () => 'sjukskrivningsgrad saknas',
    bad_start: (v: string) => `startdatum ${v} är inget giltigt datum`,
    bad_end: (v: string) => `slutdatum ${v} är inget giltigt datum`,
    ambiguous_start: (v: string) => `startdatum ${v} är tvetydigt (dag/månad?); skriv datum som ÅÅÅÅ-MM-DD`,
    ambiguous_end: (v: string) => `slutdatum ${v} är tvetydigt (dag/månad?); skriv datum som ÅÅÅÅ-MM-DD`,
    end_before_start: (end: string, start: string) => `slutdatum ${end} är före startdatum ${start}`,
    bad_degree: (v: string) => `sjukskrivningsgrad ${v} är inte 25, 50, 75 eller 100 %`,
    too_long: (start: string, end: string) => `perioden ${start} – ${end} är längre än 5 år`,
    too_many_fields: () => 'raden har fler fält än rubrikraden',
    malformed: () => 'raden går inte att tolka (citattecken som inte avslutas)'
  },
  filters: {
    heading: 'Urval',
    period: 'Period',
    all: 'Hela perioden',
    last12: 'Senaste 12 månaderna',
    custom: 'Egna datum',
    from: 'Från',
    to: 'Till',
    unit: 'Enhet',
    physician: 'Läkare',
    group: 'Diagnosgrupp',
    gender: 'Kön',
    age: 'Åldersgrupp',
    any: 'Alla',
    reset: 'Rensa urval',
    settings: 'Inställningar',
    gap: 'Uppehåll som slår ihop intyg till samma sjukfall (dagar, 0–90)',
    gapHelp: 'Ett nytt intyg hör till samma sjukfall om det börjar högst så här många dagar efter att det förra slutade. Standard 5 dagar, som i Intygsstatistik och Rehabstöd.',
    asOf: 'Uttagsdatum (pågående sjukfall räknas till och med)',
    asOfHelp: 'Standard: det senaste startdatumet i data.',
    apply: 'Räkna om',
    selectionCount: (n: string) => `${n} sjukfall i urvalet`
  },
  gender: { K: 'Kvinnor', M: 'Män', total: 'Totalt', unknown: 'Okänt kön', woman: 'Kvinna', man: 'Man' } as Record<string, string>,
  groups: {
    psychiatric: 'Psykiatriska (F)',
    musculoskeletal: 'Muskuloskeletala (M)',
    somatic: 'Somatiska (A–E, G–L, N)',
    symptom: 'Symtomdiagnoser (R)',
    factors: 'Faktorer (Z)',
    pregnancy: 'Graviditet (O)',
    other: 'Övriga (P, Q, S–Y)',
    invalid: 'Ingen giltig ICD-10-kod'
  } as Record<string, string>,
  ageBands: {
    '-20': '20 år eller yngre', '21-30': '21–30 år', '31-40': '31–40 år', '41-50': '41–50 år',
    '51-60': '51–60 år', '61+': '61 år eller äldre', unknown: 'Okänd ålder'
  } as Record<string, string>,
  bands: {
    '0-14': '0–14 dagar', '15-30': '15–30 dagar', '31-60': '31–60 dagar', '61-90': '61–90 dagar',
    '91-180': '91–180 dagar', '181-364': '181–364 dagar', '365-730': '365–730 dagar', '731+': '731 dagar eller fler'
  } as Record<string, string>,
  reasons: reasonNames as Record<string, string>,
  overview: {
    heading: 'Översikt',
    intro: (from: string, to: string, asOf: string) => `Sjukfall med minst en dag ${from} – ${to}. Uttagsdatum ${asOf}.`,
    introAll: (asOf: string) => `Alla sjukfall i data. Uttagsdatum ${asOf}.`,
    episodes: 'Sjukfall',
    episodesDef: 'Sammanhängande sjukskrivning för en person, sammanslagen från intyg med högst det valda uppehållet emellan.',
    women: 'Kvinnor',
    men: 'Män',
    genderDef: 'Kön från sjukfallets sista intyg (eller personnumret).',
    ongoing: 'Pågående',
    ongoingDef: 'Sjukfall vars sista intyg inte har slutat före uttagsdatum.',
    median: 'Medianlängd (Kaplan–Meier)',
    medianDef: 'Första dag då minst hälften av sjukfallen har avslutats; pågående sjukfall räknas som ännu inte avslutade.',
    over90: 'Andel > 90 dagar',
    over90Def: 'Andel sjukfall med fler än 90 sjukskrivna dagar (planerad längd, uppehåll inte medräknade).',
    netDays: 'Nettodagar',
    netDaysDef: 'Summa av intygsperiodernas dagar × sjukskrivningsgrad (30 dagar på 50 % = 15 nettodagar).',
    days: (n: string) => `${n} dagar`,
    ci: (lo: string, hi: string) => `95 % KI ${lo}–${hi}`,
    none: '–',
    noData: 'Inga sjukfall i urvalet.',
    perQuarter: 'Sjukfall per startkvartal',
    perQuarterDef: 'Antal sjukfall i urvalet efter det kvartal de började, kvinnor och män.',
    quarter: 'Kvartal',
    genderCol: 'Kön'
  },
  format: { decimal: ',', percentSuffix: ' %' },
  common: {
    total: 'Totalt',
    count: 'Antal',
    share: 'Andel',
    close: 'Stäng',
    download: 'Ladda ner',
    showTable: 'Visa tabell',
    chartTable: 'Tabell bakom diagrammet',
    error: (msg: string) => `Något gick fel: ${msg}`
  }
};

export type Messages = typeof sv;
