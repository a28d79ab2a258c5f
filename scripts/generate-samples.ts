/**
 * Deterministic synthetic sick-leave data ("Exempeldata") for Sjukfallsanalys.
 *
 *   npx tsx scripts/generate-samples.ts                                   writes data-samples/ (npm run samples)
 *   npx tsx scripts/generate-samples.ts --bench 1000000 --out bench-data/certs-1m.csv
 *                                                                         streams N certificate rows (shape A)
 *
 * Everything is synthetic: patients, personnummer (valid Luhn digit, never real), names, physicians and units.
 * Output is byte-identical run to run: seeded PRNG (mulberry32, an independent stream per patient), no wall clock,
 * only UTC day arithmetic (dates are integer day numbers since 1970-01-01, read back with getUTC* only).
 *
 * The population (export date as_of = 2026-09-30; certificates from 2024-01-01):
 * - ~6,000 episodes from ~5,750 patients (~5 % have a second episode > 5 days after the first), ~2.5 certificates
 *   per episode; 5 units and 24 physicians; ~64 % of episodes women; ages 18-67.
 * - Diagnosis mix: F ~45 % (about half F43), M ~17 %, infections, fractures, I21/I25, R53, Z73.0, O26.8, a few
 *   C50/K35/G43/N39, ~0.5 % unparseable ("okänd" or blank). The psychiatry unit is almost all F, the
 *   orthopaedic unit M and S.
 * - Lengths are log-normal per diagnosis (F43.8A median ~120 days, infections 7-14, lumbago short), longer with age.
 * - New episodes rise over the period (about twice as many per month in 2026 as in 2024) with a summer dip and
 *   winter infections. With a mean length of ~45 days, a steady rate would leave only ~4-5 % of the episodes
 *   ongoing at the export date; the rise is what makes ~9-10 % ongoing.
 *
 * PLANTED EFFECTS (what the dashboard should find; also in data-samples/README.md):
 * 1. Physician "Fredrik Sandberg" (Vårdcentralen Söder): episode lengths x2.5 beyond case mix -> O/E "high".
 * 2. Physician "Maria Holmgren" (Vårdcentralen Väster): episode lengths x0.5 -> O/E "low". Both have >= 60 episodes.
 * 3. Gender: women with psychiatric (F) diagnoses get ~30 % longer episodes than men with the same diagnosis;
 *    no gender factor for musculoskeletal (M) or any other diagnosis.
 * 4. Waiting: extensions "Waiting for treatment" (psychotherapy) are concentrated at Psykiatrimottagningen Centrum
 *    and "Waiting for surgery" at Ortopedmottagningen; the primary-care units wait about half as often.
 *    ~25 % of episodes with a waiting extension carry referral_date / care_start_date / waiting_cause.
 *
 * Files: intyg-exempel.csv (shape A, UTF-8, ","), intyg-exempel-excel.csv (the same rows as a Swedish Excel
 * export: Windows-1252, ";", CRLF, personnummer and patient names), rehabstod-exempel.csv (shape B, episodes of
 * Vårdcentralen Norr ongoing or recently ended, UTF-8 BOM), intyg-med-fel.csv (good and bad rows), README.md.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------------------------------
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** mulberry32: uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** Standard normal (Box-Muller, one value per call: simple and deterministic). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** An independent stream per patient (seed x index), so that a change for one patient does not move the others. */
function streamSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Weighted choice with a precomputed cumulative table. */
class Weighted<T> {
  private cum: Float64Array;
  constructor(readonly items: readonly T[], weights: readonly number[]) {
    this.cum = new Float64Array(weights.length);
    let s = 0;
    weights.forEach((w, i) => {
      s += w;
      this.cum[i] = s;
    });
    for (let i = 0; i < this.cum.length; i++) this.cum[i] /= s;
  }
  sample(rng: Rng): T {
    const u = rng.next();
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// UTC day arithmetic (day numbers since 1970-01-01)
// ---------------------------------------------------------------------------------------------------------------
const MS_DAY = 86_400_000;
function day(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / MS_DAY;
}
const ISO_FROM = day('1940-01-01');
const ISO_TO = day('2031-12-31');
/** year * 10000 + month * 100 + day per day number in [ISO_FROM, ISO_TO], filled lazily (0 = not yet). */
const YMD_CACHE = new Int32Array(ISO_TO - ISO_FROM + 1);
function ymd(dayNo: number): [number, number, number] {
  const i = dayNo - ISO_FROM;
  let v = i >= 0 && dayNo <= ISO_TO ? YMD_CACHE[i] : 0;
  if (v === 0) {
    const dt = new Date(dayNo * MS_DAY);
    v = dt.getUTCFullYear() * 10000 + (dt.getUTCMonth() + 1) * 100 + dt.getUTCDate();
    if (i >= 0 && dayNo <= ISO_TO) YMD_CACHE[i] = v;
  }
  return [Math.floor(v / 10000), Math.floor(v / 100) % 100, v % 100];
}
const ISO_CACHE: string[] = [];
function iso(dayNo: number): string {
  const i = dayNo - ISO_FROM;
  if (i >= 0 && dayNo <= ISO_TO) {
    return (ISO_CACHE[i] ??= new Date(dayNo * MS_DAY).toISOString().slice(0, 10));
  }
  return new Date(dayNo * MS_DAY).toISOString().slice(0, 10);
}
/** Completed years at `at` for someone born on `birth`. */
function ageAt(birth: number, at: number): number {
  const [by, bm, bd] = ymd(birth);
  const [y, m, d] = ymd(at);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
function monthOf(dayNo: number): number {
  return ymd(dayNo)[1];
}

// ---------------------------------------------------------------------------------------------------------------
// Catalogues
// ---------------------------------------------------------------------------------------------------------------
type Gender = 'K' | 'M';
type UnitKind = 'primary' | 'psych' | 'ortho';

interface Diagnosis {
  code: string;
  text: string;
  /** Median length in days and log-normal sigma. */
  median: number;
  sigma: number;
  /** Probability that the patient is a woman. */
  women: number;
  ageMean: number;
  ageSd: number;
  /** Relative weight per unit kind. */
  w: Record<UnitKind, number>;
}

const NO_WEIGHT: Record<UnitKind, number> = { primary: 0, psych: 0, ortho: 0 };

// prettier-ignore
const DIAGNOSES: Diagnosis[] = [
  // psychiatric (F): ~45 % of episodes, about half F43
  { code: 'F43.8A', text: 'Utmattningssyndrom', median: 125, sigma: 0.6, women: 0.72, ageMean: 43, ageSd: 9, w: { primary: 10, psych: 25 } },
  { code: 'F43.2', text: 'Anpassningsstörning', median: 45, sigma: 0.7, women: 0.68, ageMean: 41, ageSd: 11, w: { primary: 6, psych: 12 } },
  { code: 'F43.0', text: 'Akut stressreaktion', median: 17, sigma: 0.55, women: 0.66, ageMean: 40, ageSd: 11, w: { primary: 3.2, psych: 3 } },
  { code: 'F43.1', text: 'Posttraumatiskt stressyndrom', median: 80, sigma: 0.75, women: 0.6, ageMean: 38, ageSd: 11, w: { primary: 1.3, psych: 5 } },
  { code: 'F32.0', text: 'Lindrig depressiv episod', median: 34, sigma: 0.7, women: 0.66, ageMean: 40, ageSd: 12, w: { primary: 4.6, psych: 9 } },
  { code: 'F32.1', text: 'Medelsvår depressiv episod', median: 72, sigma: 0.7, women: 0.65, ageMean: 41, ageSd: 12, w: { primary: 4.8, psych: 14 } },
  { code: 'F41.1', text: 'Generaliserat ångestsyndrom', median: 32, sigma: 0.7, women: 0.68, ageMean: 38, ageSd: 12, w: { primary: 5, psych: 13 } },
  { code: 'F41.0', text: 'Paniksyndrom', median: 19, sigma: 0.65, women: 0.66, ageMean: 36, ageSd: 11, w: { primary: 3.4, psych: 6 } },
  // musculoskeletal (M): ~17 %
  { code: 'M54.5', text: 'Lumbago', median: 10, sigma: 0.55, women: 0.52, ageMean: 45, ageSd: 11, w: { primary: 6, ortho: 5 } },
  { code: 'M54.4', text: 'Lumbago med ischias', median: 20, sigma: 0.6, women: 0.52, ageMean: 47, ageSd: 10, w: { primary: 3, ortho: 8 } },
  { code: 'M51.1', text: 'Lumbalt diskbråck med radikulopati', median: 36, sigma: 0.65, women: 0.5, ageMean: 45, ageSd: 10, w: { primary: 1.8, ortho: 14 } },
  { code: 'M75.4', text: 'Impingementsyndrom i skulderleden', median: 30, sigma: 0.7, women: 0.55, ageMean: 50, ageSd: 8, w: { primary: 2.2, ortho: 14 } },
  { code: 'M17.1', text: 'Primär gonartros', median: 40, sigma: 0.75, women: 0.58, ageMean: 58, ageSd: 5, w: { primary: 1.2, ortho: 14 } },
  // infections, short
  { code: 'J06.9', text: 'Akut övre luftvägsinfektion, ospecificerad', median: 8, sigma: 0.3, women: 0.6, ageMean: 40, ageSd: 12, w: { primary: 11, ortho: 0.5 } },
  { code: 'J11.1', text: 'Influensa med andra luftvägsmanifestationer', median: 9, sigma: 0.3, women: 0.58, ageMean: 42, ageSd: 12, w: { primary: 5 } },
  { code: 'J18.9', text: 'Pneumoni, ospecificerad', median: 17, sigma: 0.4, women: 0.52, ageMean: 50, ageSd: 11, w: { primary: 2.2 } },
  // fractures (S)
  { code: 'S52.5', text: 'Fraktur på nedre änden av radius', median: 40, sigma: 0.45, women: 0.62, ageMean: 50, ageSd: 11, w: { primary: 1.2, ortho: 16 } },
  { code: 'S82.6', text: 'Fraktur på laterala malleolen', median: 48, sigma: 0.45, women: 0.48, ageMean: 46, ageSd: 12, w: { primary: 0.7, ortho: 13 } },
  { code: 'S62.3', text: 'Fraktur på annat metakarpalben', median: 30, sigma: 0.45, women: 0.3, ageMean: 36, ageSd: 12, w: { primary: 0.7, ortho: 11 } },
  // circulatory
  { code: 'I21.9', text: 'Akut hjärtinfarkt, ospecificerad', median: 36, sigma: 0.55, women: 0.28, ageMean: 57, ageSd: 6, w: { primary: 1.2 } },
  { code: 'I25.1', text: 'Aterosklerotisk hjärtsjukdom', median: 26, sigma: 0.65, women: 0.3, ageMean: 58, ageSd: 6, w: { primary: 1 } },
  // symptoms, factors, pregnancy
  { code: 'R53.9', text: 'Sjukdomskänsla och trötthet', median: 15, sigma: 0.7, women: 0.66, ageMean: 42, ageSd: 12, w: { primary: 3, psych: 2, ortho: 1 } },
  { code: 'Z73.0', text: 'Utbrändhet', median: 24, sigma: 0.7, women: 0.72, ageMean: 44, ageSd: 10, w: { primary: 3.5, psych: 4 } },
  { code: 'O26.8', text: 'Andra specificerade tillstånd med samband med graviditet', median: 28, sigma: 0.8, women: 1, ageMean: 31, ageSd: 4.5, w: { primary: 4.3 } },
  // a few others
  { code: 'C50.9', text: 'Bröstcancer, ospecificerad', median: 105, sigma: 0.55, women: 0.99, ageMean: 54, ageSd: 8, w: { primary: 1.1 } },
  { code: 'K35.8', text: 'Akut appendicit, annan och ospecificerad', median: 14, sigma: 0.35, women: 0.5, ageMean: 33, ageSd: 12, w: { primary: 1 } },
  { code: 'G43.9', text: 'Migrän, ospecificerad', median: 5, sigma: 0.5, women: 0.78, ageMean: 38, ageSd: 10, w: { primary: 1.2 } },
  { code: 'N39.0', text: 'Urinvägsinfektion, lokalisationen ej specificerad', median: 5, sigma: 0.4, women: 0.85, ageMean: 40, ageSd: 13, w: { primary: 1.2 } }
].map((d) => ({ ...d, w: { ...NO_WEIGHT, ...d.w } }));

/** Unparseable diagnosis strings (~0.5 % of episodes). */
const INVALID_DIAGNOSES = ['okänd', '', 'okänd', ''];
const INVALID_SHARE = 0.005;

const REASONS = {
  wait_investigation: { en: 'Waiting for investigation', sv: 'Väntan på utredning' },
  wait_treatment: { en: 'Waiting for treatment', sv: 'Väntan på behandling' },
  wait_surgery: { en: 'Waiting for surgery', sv: 'Väntan på operation' },
  wait_specialist: { en: 'Waiting for specialist assessment', sv: 'Väntan på specialistbedömning' },
  wait_rehabilitation: { en: 'Waiting for rehabilitation', sv: 'Väntan på rehabiliteringsinsats' },
  medical: { en: 'Medically motivated', sv: 'Medicinskt motiverad' },
  worsening: { en: 'Worsening', sv: 'Försämring' },
  workplace: { en: 'Workplace related', sv: 'Arbetsplatsrelaterat' },
  other: { en: 'Other', sv: 'Annat' }
} as const;
type ReasonCode = keyof typeof REASONS;
/** Free texts that are no recognised reason (same text in both files: it is what the physician typed). */
const ODD_REASONS = ['se journal', 'se journal', 'enl. tidigare intyg', 'se journal, bedömning pågår'];
/** What a waiting episode waits for depends on the unit and on the kind of problem. */
type Area = 'mental' | 'musculo' | 'other';
function areaOf(code: string): Area {
  return /^[FZ]/.test(code) ? 'mental' : /^[MS]/.test(code) ? 'musculo' : 'other';
}
const W = (codes: ReasonCode[], weights: number[]) => new Weighted<ReasonCode>(codes, weights);
const PSYCH_WAIT = W(['wait_treatment', 'wait_investigation', 'wait_specialist', 'wait_rehabilitation'], [78, 9, 8, 5]);
const ORTHO_WAIT = W(['wait_surgery', 'wait_investigation', 'wait_rehabilitation', 'wait_specialist'], [64, 18, 13, 5]);
/** Main waiting code of a waiting episode per unit kind and area. */
const WAIT_CODE: Record<UnitKind, Record<Area, Weighted<ReasonCode>>> = {
  psych: { mental: PSYCH_WAIT, musculo: PSYCH_WAIT, other: PSYCH_WAIT },
  ortho: { mental: ORTHO_WAIT, musculo: ORTHO_WAIT, other: ORTHO_WAIT },
  primary: {
    mental: W(['wait_treatment', 'wait_specialist', 'wait_investigation', 'wait_rehabilitation'], [55, 20, 12, 13]),
    musculo: W(['wait_investigation', 'wait_rehabilitation', 'wait_specialist', 'wait_surgery'], [35, 25, 20, 20]),
    other: W(['wait_investigation', 'wait_specialist', 'wait_treatment'], [45, 40, 15])
  }
};
/** Probability that an episode waits at all (then most of its extensions are waiting). */
const WAIT_EPISODE: Record<UnitKind, number> = { psych: 0.7, ortho: 0.66, primary: 0.28 };
/** What the referral columns say is waited for, per waiting code and area. */
const CAUSE_OF: Record<string, Record<Area, string>> = {
  wait_treatment: { mental: 'Psykoterapi', musculo: 'Fysioterapi', other: 'Specialistbedömning' },
  wait_surgery: { mental: 'Operation', musculo: 'Operation', other: 'Operation' },
  wait_investigation: { mental: 'Neuropsykiatrisk utredning', musculo: 'Magnetkameraundersökning', other: 'Specialistbedömning' },
  wait_rehabilitation: { mental: 'Arbetslivsinriktad rehabilitering', musculo: 'Fysioterapi', other: 'Fysioterapi' },
  wait_specialist: { mental: 'Specialistbedömning', musculo: 'Specialistbedömning', other: 'Specialistbedömning' }
};
/** Days from referral to care start per cause (min, max). */
const WAIT_DAYS: Record<string, [number, number]> = {
  Psykoterapi: [45, 200],
  Operation: [50, 220],
  Magnetkameraundersökning: [14, 75],
  Fysioterapi: [10, 50],
  Specialistbedömning: [21, 110],
  'Neuropsykiatrisk utredning': [60, 240],
  'Arbetslivsinriktad rehabilitering': [20, 90]
};
const NON_WAITING = new Weighted<ReasonCode>(['medical', 'worsening', 'workplace', 'other'], [52, 20, 15, 13]);

const WOMEN_FIRST = [
  'Anna', 'Eva', 'Maria', 'Karin', 'Sara', 'Emma', 'Lena', 'Kerstin', 'Ingrid', 'Sofia', 'Johanna', 'Elin',
  'Linnea', 'Ida', 'Malin', 'Hanna', 'Camilla', 'Annika', 'Helena', 'Susanne', 'Ulrika', 'Therese', 'Frida',
  'Matilda', 'Amanda', 'Josefin', 'Linda', 'Jenny', 'Åsa', 'Marie', 'Cecilia', 'Jessica', 'Louise', 'Maja',
  'Ebba', 'Agnes', 'Elsa', 'Birgitta', 'Margareta', 'Monica', 'Yvonne', 'Sanna', 'Ronja', 'Amira', 'Fatima',
  'Leila', 'Aida', 'Noor', 'Ewa', 'Zeynep', 'Selma', 'Klara', 'Moa', 'Tove', 'Alva', 'Wilma', 'Stina', 'Ylva'
];
const MEN_FIRST = [
  'Erik', 'Lars', 'Karl', 'Anders', 'Johan', 'Per', 'Nils', 'Mikael', 'Jan', 'Hans', 'Peter', 'Fredrik',
  'Daniel', 'Andreas', 'Magnus', 'Stefan', 'Mattias', 'Jonas', 'Henrik', 'Oskar', 'Gustav', 'Axel', 'Viktor',
  'Marcus', 'Simon', 'Niklas', 'Patrik', 'Tobias', 'Björn', 'Göran', 'Leif', 'Bengt', 'Ulf', 'Thomas', 'Emil',
  'Linus', 'Hugo', 'Olof', 'Joakim', 'Kristoffer', 'Ali', 'Mohammed', 'Ahmed', 'Omar', 'Hassan', 'Dragan',
  'Piotr', 'Jukka', 'Sami', 'Rasmus', 'Anton', 'Filip', 'Elias', 'Albin', 'Ludvig', 'Sven', 'Ove', 'Kent'
];
const SURNAMES = [
  'Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson',
  'Gustafsson', 'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson', 'Jönsson', 'Lindberg', 'Jakobsson',
  'Magnusson', 'Olofsson', 'Lindström', 'Lindqvist', 'Lindgren', 'Berg', 'Axelsson', 'Bergström', 'Lundberg',
  'Lind', 'Lundgren', 'Lundqvist', 'Mattsson', 'Berglund', 'Fredriksson', 'Sandberg', 'Henriksson', 'Forsberg',
  'Sjöberg', 'Wallin', 'Ali', 'Engström', 'Mohamed', 'Eklund', 'Danielsson', 'Lundin', 'Håkansson', 'Björk',
  'Bergman', 'Gunnarsson', 'Holm', 'Wikström', 'Samuelsson', 'Isaksson', 'Fransson', 'Bergqvist', 'Nyström',
  'Holmberg', 'Arvidsson', 'Löfgren', 'Söderberg', 'Nyberg', 'Blomqvist', 'Claesson', 'Nordström', 'Mårtensson',
  'Lundström', 'Viklund', 'Björklund', 'Eliasson', 'Pålsson', 'Berggren', 'Sandström', 'Lund', 'Nordin',
  'Ström', 'Åberg', 'Hermansson', 'Ekström', 'Holmgren', 'Sundberg', 'Hedlund', 'Dahlberg', 'Hellström',
  'Sjögren', 'Abrahamsson', 'Falk', 'Martinsson', 'Öberg', 'Andreasson', 'Strömberg', 'Månsson', 'Åkesson',
  'Hansen', 'Yilmaz', 'Nguyen', 'Kovač'.replace('č', 'c'), 'Dahl', 'Jovanović'.replace('ć', 'c'), 'Mäkinen',
  'Virtanen', 'Nowak', 'Hussein', 'Ibrahim', 'Al-Sayed', 'Ekberg', 'Granath', 'Stenberg', 'Östlund', 'Hallberg'
];

interface Unit {
  name: string;
  kind: UnitKind;
  weight: number;
  physicians: Physician[];
  pick: Weighted<Physician>;
}
interface Physician {
  name: string;
  unit: Unit;
  weight: number;
  /** Length multiplier (planted effects); 1 for everybody else. */
  factor: number;
}

const PLANTED_HIGH = 'Fredrik Sandberg';
const PLANTED_LOW = 'Maria Holmgren';
const HIGH_FACTOR = 2.5;
const LOW_FACTOR = 0.5;

function makeUnit(name: string, kind: UnitKind, weight: number, docs: [string, number][]): Unit {
  const unit: Unit = { name, kind, weight, physicians: [], pick: null as unknown as Weighted<Physician> };
  unit.physicians = docs.map(([n, w]) => ({
    name: n, unit, weight: w, factor: n === PLANTED_HIGH ? HIGH_FACTOR : n === PLANTED_LOW ? LOW_FACTOR : 1
  }));
  unit.pick = new Weighted(unit.physicians, unit.physicians.map((p) => p.weight));
  return unit;
}

/** The five units and 24 physicians of the sample files. */
function sampleUnits(): Unit[] {
  return [
    makeUnit('Vårdcentralen Norr', 'primary', 0.26, [
      ['Anna Lindqvist', 1.3], ['Johan Berggren', 1.1], ['Sara Nordin', 1], ['Per Åkesson', 1], ['Elin Wikström', 0.8],
      ['Mohammed Haddad', 0.7]
    ]),
    makeUnit('Vårdcentralen Söder', 'primary', 0.24, [
      [PLANTED_HIGH, 1], ['Karin Bergström', 1.2], ['Lars Hedlund', 1], ['Sofia Ekberg', 0.9], ['Jonas Falk', 0.8],
      ['Ingrid Strand', 0.6]
    ]),
    makeUnit('Vårdcentralen Väster', 'primary', 0.2, [
      [PLANTED_LOW, 1], ['Erik Lundgren', 1.2], ['Hanna Sjöberg', 1], ['Magnus Öberg', 0.9], ['Leila Karimi', 0.8]
    ]),
    makeUnit('Psykiatrimottagningen Centrum', 'psych', 0.18, [
      ['Cecilia Wallin', 1.1], ['Gustav Engström', 1], ['Amira Hassan', 1], ['Thomas Blom', 0.8]
    ]),
    makeUnit('Ortopedmottagningen', 'ortho', 0.12, [
      ['Henrik Dahlberg', 1.2], ['Ulrika Nyström', 1], ['Björn Hellström', 0.8]
    ])
  ];
}

/** Twelve units and ~200 physicians for the benchmark file. */
function benchUnits(): Unit[] {
  // short names, as many regional systems abbreviate them (keeps rows near 85 bytes)
  const spec: [string, UnitKind, number, number][] = [
    ['VC Norr', 'primary', 0.11, 18], ['VC Söder', 'primary', 0.1, 17], ['VC Väster', 'primary', 0.09, 16],
    ['VC Öster', 'primary', 0.09, 16], ['VC Centrum', 'primary', 0.1, 18], ['VC Hamnen', 'primary', 0.07, 14],
    ['VC Åsen', 'primary', 0.07, 14], ['VC Bergsjö', 'primary', 0.07, 14], ['VC Skogslyckan', 'primary', 0.06, 12],
    ['Psykiatri Centrum', 'psych', 0.11, 24], ['Psykiatri Norr', 'psych', 0.06, 16], ['Ortopeden', 'ortho', 0.07, 21]
  ];
  const rng = new Rng(0xbe7c4);
  const used = new Set<string>([PLANTED_HIGH, PLANTED_LOW]);
  return spec.map(([name, kind, weight, n], ui) => {
    const docs: [string, number][] = [];
    if (ui === 1) docs.push([PLANTED_HIGH, 1]);
    if (ui === 2) docs.push([PLANTED_LOW, 1]);
    while (docs.length < n) {
      const first = rng.chance(0.55) ? rng.pick(WOMEN_FIRST) : rng.pick(MEN_FIRST);
      const nm = `${first} ${rng.pick(SURNAMES)}`;
      if (used.has(nm)) continue;
      used.add(nm);
      docs.push([nm, 0.5 + rng.next()]);
    }
    return makeUnit(name, kind, weight, docs);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The world: units, incidence over time, diagnosis tables
// ---------------------------------------------------------------------------------------------------------------
/** Relative number of new episodes per calendar month (summer dip, autumn and winter peaks). */
const SEASON = [0, 1.1, 1.1, 1.05, 1, 0.95, 0.85, 0.65, 1.0, 1.2, 1.15, 1.1, 0.85];
/** Incidence trend: trendFrom + (trendTo - trendFrom) * t^TREND_POWER over the period (t from 0 to 1). */
const TREND_POWER = 2.5;
/** Relative weight of infections (J) per calendar month. */
const INFECTION_SEASON = [0, 2.1, 2.0, 1.5, 1.0, 0.7, 0.4, 0.3, 0.4, 0.8, 1.2, 1.5, 1.9];

interface World {
  units: Unit[];
  pickUnit: Weighted<Unit>;
  from: number;
  asOf: number;
  pickStart: Weighted<number>;
  /** Diagnosis table per unit kind and calendar month (index 1-12). */
  pickDiag: Record<UnitKind, Weighted<Diagnosis>[]>;
}

function makeWorld(units: Unit[], from: string, asOf: string, trendFrom: number, trendTo: number): World {
  const f = day(from);
  const a = day(asOf);
  const days: number[] = [];
  const weights: number[] = [];
  for (let d = f; d <= a; d++) {
    const t = (d - f) / (a - f);
    days.push(d);
    weights.push((trendFrom + (trendTo - trendFrom) * t ** TREND_POWER) * SEASON[monthOf(d)]);
  }
  const pickDiag = {} as Record<UnitKind, Weighted<Diagnosis>[]>;
  for (const kind of ['primary', 'psych', 'ortho'] as UnitKind[]) {
    pickDiag[kind] = [];
    for (let m = 1; m <= 12; m++) {
      const ds = DIAGNOSES.filter((d) => d.w[kind] > 0);
      pickDiag[kind][m] = new Weighted(ds, ds.map((d) => d.w[kind] * (d.code.startsWith('J') ? INFECTION_SEASON[m] : 1)));
    }
  }
  return {
    units,
    pickUnit: new Weighted(units, units.map((u) => u.weight)),
    from: f,
    asOf: a,
    pickStart: new Weighted(days, weights),
    pickDiag
  };
}

// ---------------------------------------------------------------------------------------------------------------
// People and personnummer
// ---------------------------------------------------------------------------------------------------------------
interface Person {
  id: string;
  pnr: string;
  name: string;
  gender: Gender;
  birth: number;
}

function luhn(nine: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let v = (nine.charCodeAt(i) - 48) * (i % 2 === 0 ? 2 : 1);
    if (v > 9) v -= 9;
    sum += v;
  }
  return (10 - (sum % 10)) % 10;
}

/** Synthetic personnummer YYYYMMDD-NNNC (or samordningsnummer, day + 60) with a valid check digit. */
function personnummer(rng: Rng, birth: number, gender: Gender, used: Set<string> | null): string {
  const [y, m, d] = ymd(birth);
  const dd = rng.chance(0.01) ? d + 60 : d;
  const date = `${y}${String(m).padStart(2, '0')}${String(dd).padStart(2, '0')}`;
  for (;;) {
    const third = rng.int(0, 4) * 2 + (gender === 'M' ? 1 : 0);
    const serial = `${String(rng.int(0, 99)).padStart(2, '0')}${third}`;
    const nine = date.slice(2) + serial;
    const pnr = `${date}-${serial}${luhn(nine)}`;
    if (used && used.has(pnr)) continue;
    used?.add(pnr);
    return pnr;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Episodes and certificates
// ---------------------------------------------------------------------------------------------------------------
interface Cert {
  start: number;
  end: number;
  degree: number;
  /** A reason code, '' for blank, or 'odd:<free text>'. */
  reason: string;
  physician: Physician;
}
interface Episode {
  person: Person;
  unit: Unit;
  diag: Diagnosis;
  /** The diagnosis string as written ('' / 'okänd' for unparseable ones). */
  diagCode: string;
  certs: Cert[];
  referral: number | null;
  careStart: number | null;
  cause: string;
}

const FIRST_DUR = [7, 7, 10, 14, 14, 14, 14, 21, 21, 28];
const EXT_DUR = [14, 14, 14, 14, 21, 21, 21, 28, 28, 28, 30, 30, 42, 56, 60];

function sampleAge(rng: Rng, d: Diagnosis): number {
  for (;;) {
    const a = Math.round(d.ageMean + d.ageSd * rng.normal());
    if (a >= 18 && a <= 66) return a;
  }
}

/** Builds one episode starting at `start`; certificates starting after as_of are dropped (export date). */
function simulateEpisode(
  rng: Rng, w: World, person: Person, age: number, unit: Unit, diag: Diagnosis, physician: Physician, start: number
): Episode {
  // --- planned length (distinct days covered)
  let mult = Math.exp(0.012 * (age - 44)) * physician.factor;
  if (diag.code.startsWith('F')) mult *= person.gender === 'K' ? 1.15 : 1.15 / 1.3; // planted: women F +30 %
  let length = Math.max(1, Math.round(diag.median * mult * Math.exp(diag.sigma * rng.normal())));
  if (length > 900) length = 900 - rng.int(0, 200);

  // --- certificate periods
  const durs: number[] = [];
  if (length <= 14 && rng.chance(0.5)) durs.push(length);
  else {
    let left = length;
    let d = Math.min(left, rng.pick(FIRST_DUR));
    for (;;) {
      if (left - d < 5) d = left;
      durs.push(d);
      left -= d;
      if (left <= 0) break;
      d = Math.min(left, rng.pick(EXT_DUR) * (durs.length > 3 && rng.chance(0.4) ? 2 : 1));
    }
  }

  // --- degrees: mostly 100, stepping down at the end of some episodes, some part-time from the start
  const n = durs.length;
  const r0 = rng.next();
  const first = r0 < 0.82 ? 100 : r0 < 0.93 ? 50 : r0 < 0.97 ? 75 : 25;
  const degrees = new Array<number>(n).fill(first);
  if (n >= 2 && first > 25 && rng.chance(0.35)) {
    const steps = Math.min(n - 1, rng.int(1, 3));
    let deg = first;
    for (let i = n - steps; i < n; i++) {
      deg = Math.max(25, deg - (rng.chance(0.7) ? 25 : 50));
      degrees[i] = deg;
    }
  }

  // --- reasons
  const area = areaOf(diag.code);
  const waitCode = WAIT_CODE[unit.kind][area];
  const pWait = WAIT_EPISODE[unit.kind];
  const waits = rng.chance(diag.code.startsWith('J') || diag.median < 12 ? pWait * 0.25 : pWait);
  const mainWait = waitCode.sample(rng);
  const reasons: string[] = [];
  for (let i = 0; i < n; i++) {
    let r = '';
    if (i === 0) {
      if (rng.chance(0.01)) r = rng.chance(0.5) ? 'medical' : mainWait; // must not count as an extension
    } else {
      const u = rng.next();
      if (u < 0.15) r = '';
      else if (u < 0.17) r = 'odd:' + rng.pick(ODD_REASONS);
      else if (rng.chance(waits ? 0.8 : 0.06)) r = rng.chance(0.88) ? mainWait : waitCode.sample(rng);
      else r = NON_WAITING.sample(rng);
    }
    reasons.push(r);
  }

  // --- periods with occasional 1-day overlaps and short breaks (1-5 days, still the same episode)
  const certs: Cert[] = [];
  const [by, bm, bd] = ymd(person.birth);
  const retire = Date.UTC(by + 68, bm - 1, bd) / MS_DAY; // 68th birthday
  let s = start;
  let doc = physician;
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      const prevEnd = certs[i - 1].end;
      const u = rng.next();
      s = u < 0.08 ? prevEnd : u < 0.86 ? prevEnd + 1 : prevEnd + 1 + rng.int(1, 5);
      if (rng.chance(0.05)) doc = unit.pick.sample(rng); // a colleague writes an extension
      else doc = physician;
    }
    if (s > w.asOf) break; // not issued yet at the export date
    if (s >= retire) break; // ages stay within 18-67
    const end = Math.min(s + durs[i] - 1, retire - 1);
    certs.push({ start: s, end, degree: degrees[i], reason: reasons[i], physician: doc });
  }

  // --- referral / care start for ~25 % of the episodes with a waiting extension
  let referral: number | null = null;
  let careStart: number | null = null;
  let cause = '';
  const waitingExt = certs.slice(1).find((c) => c.reason.startsWith('wait_'));
  if (waitingExt && rng.chance(0.25)) {
    cause = CAUSE_OF[waitingExt.reason][area];
    referral = Math.min(certs[0].start + rng.int(0, 20), certs[0].end);
    const [lo, hi] = WAIT_DAYS[cause];
    careStart = referral + rng.int(lo, hi);
    if (careStart > w.asOf) careStart = null; // still waiting at the export date
  }

  let diagCode = diag.code;
  if (rng.chance(INVALID_SHARE)) diagCode = rng.pick(INVALID_DIAGNOSES);
  return { person, unit, diag, diagCode, certs, referral, careStart, cause };
}

/** All episodes of one (new) patient: one, sometimes two. Calls `emit` per episode. */
function simulatePatient(
  rng: Rng, w: World, index: number, idWidth: number, used: Set<string> | null, forceStart: number | null,
  emit: (e: Episode) => void
): void {
  const start = forceStart ?? w.pickStart.sample(rng);
  const unit = w.pickUnit.sample(rng);
  const month = monthOf(start);
  const diag = w.pickDiag[unit.kind][month].sample(rng);
  const gender: Gender = rng.chance(diag.women) ? 'K' : 'M';
  const age = sampleAge(rng, diag);
  const birth = start - Math.floor((age + rng.next()) * 365.2425);
  const person: Person = {
    id: 'P' + String(index + 1).padStart(idWidth, '0'),
    pnr: personnummer(rng, birth, gender, used),
    name: `${rng.pick(gender === 'K' ? WOMEN_FIRST : MEN_FIRST)} ${rng.pick(SURNAMES)}`,
    gender,
    birth
  };
  const physician = unit.pick.sample(rng);
  const e1 = simulateEpisode(rng, w, person, ageAt(birth, start), unit, diag, physician, start);
  emit(e1);
  if (!rng.chance(0.08)) return;
  // a later, separate episode (more than 5 days after everything before)
  const lastEnd = Math.max(...e1.certs.map((c) => c.end));
  const start2 = lastEnd + 7 + rng.int(0, 400);
  if (start2 > w.asOf) return;
  const unit2 = rng.chance(0.8) ? unit : w.pickUnit.sample(rng);
  let diag2 = rng.chance(0.5) && diag.w[unit2.kind] > 0 ? diag : w.pickDiag[unit2.kind][monthOf(start2)].sample(rng);
  if (diag2.women === 1 && gender === 'M') diag2 = diag;
  if (diag2.women === 1 && gender === 'M') return;
  const physician2 = unit2 === unit && rng.chance(0.7) ? physician : unit2.pick.sample(rng);
  const e2 = simulateEpisode(rng, w, person, ageAt(birth, start2), unit2, diag2, physician2, start2);
  if (e2.certs.length > 0) emit(e2);
}

// ---------------------------------------------------------------------------------------------------------------
// Output formats
// ---------------------------------------------------------------------------------------------------------------
const CANONICAL_HEADER =
  'certificate_id,patient_id,gender,age,unit,physician,diagnosis,start_date,end_date,degree,extension_reason,' +
  'referral_date,care_start_date,waiting_cause';
const EXCEL_HEADER =
  'Intygs-ID;Personnummer;Patientnamn;Vårdenhet;Läkare;Diagnos;Startdatum;Slutdatum;Sjukskrivningsgrad;' +
  'Orsak till förlängning;Remissdatum;Vårdstart;Väntar på';
const REHAB_HEADER =
  'Personnummer;Namn;Kön;Ålder;Diagnos;Startdatum;Slutdatum;Längd;Antal intyg;Grad;Läkare;Väntetid (dagar);Väntar på';

/** RFC 4180 field: quoted when it contains the delimiter, a quote or a line break. */
function field(v: string, delim: string): string {
  if (v.includes(delim) || v.includes('"') || v.includes('\n') || v.includes('\r')) {
    return '"' + v.replace(/"/g, '""') + '"';
  }
  return v;
}
function line(values: string[], delim: string): string {
  return values.map((v) => field(v, delim)).join(delim);
}

function reasonText(reason: string, lang: 'en' | 'sv'): string {
  if (reason === '') return '';
  if (reason.startsWith('odd:')) return reason.slice(4);
  return REASONS[reason as ReasonCode][lang];
}

function canonicalRow(id: string, e: Episode, c: Cert): string {
  return line([
    id, e.person.id, e.person.gender, String(ageAt(e.person.birth, c.end)), e.unit.name, c.physician.name, e.diagCode,
    iso(c.start), iso(c.end), String(c.degree), reasonText(c.reason, 'en'),
    e.referral === null ? '' : iso(e.referral), e.careStart === null ? '' : iso(e.careStart), e.cause
  ], ',');
}

function diagnosisWithText(e: Episode): string {
  return e.diagCode === e.diag.code ? `${e.diag.code} ${e.diag.text}` : e.diagCode;
}

function excelRow(id: string, e: Episode, c: Cert, spaced: boolean): string {
  return line([
    id, e.person.pnr, e.person.name, e.unit.name, c.physician.name, diagnosisWithText(e), iso(c.start), iso(c.end),
    spaced ? `${c.degree} %` : `${c.degree}%`, reasonText(c.reason, 'sv'),
    e.referral === null ? '' : iso(e.referral), e.careStart === null ? '' : iso(e.careStart), e.cause
  ], ';');
}

/** Windows-1252 bytes; throws on any character outside it (all text here is Latin-1 printable or ASCII). */
function win1252(text: string): Buffer {
  const out = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 || (c >= 0xa0 && c <= 0xff)) out[i] = c;
    else throw new Error(`character U+${c.toString(16)} is not in Windows-1252: ${JSON.stringify(text.slice(i - 20, i + 20))}`);
  }
  return out;
}

/** Distinct days covered by the certificates (overlaps once, gaps not counted), optionally up to a day. */
function coveredDays(certs: Cert[], from = -Infinity, to = Infinity): number {
  const sorted = [...certs].sort((a, b) => a.start - b.start);
  let total = 0;
  let covered = -Infinity; // last day already counted
  for (const c of sorted) {
    const s = Math.max(c.start, covered + 1, from);
    const e = Math.min(c.end, to);
    if (e >= s) total += e - s + 1;
    covered = Math.max(covered, c.end);
  }
  return total;
}

// ---------------------------------------------------------------------------------------------------------------
// The sample files
// ---------------------------------------------------------------------------------------------------------------
const SEED = 20260930;
const BENCH_SEED = 0x5eed;
const SAMPLE_PATIENTS = 5750;

interface Stats {
  rows: number;
  patients: number;
  episodes: number;
  [k: string]: number;
}

function writeSamples(outDir: string): void {
  const w = makeWorld(sampleUnits(), '2024-01-01', '2026-09-30', 0.8, 2.0);
  const rng = new Rng(SEED); // formatting choices only; every patient has its own stream
  const used = new Set<string>();
  const episodes: Episode[] = [];
  for (let i = 0; i < SAMPLE_PATIENTS; i++) {
    // the last patient starts an episode on the export date itself, so the default as_of is the export date
    simulatePatient(new Rng(streamSeed(SEED, i)), w, i, 5, used, i === SAMPLE_PATIENTS - 1 ? w.asOf : null, (e) => episodes.push(e));
  }

  // rows sorted like an export: by start date, then patient; certificate ids follow that order
  const rows = episodes.flatMap((e) => e.certs.map((c) => ({ e, c })));
  rows.sort((a, b) => a.c.start - b.c.start || (a.e.person.id < b.e.person.id ? -1 : a.e.person.id > b.e.person.id ? 1 : 0) || a.c.end - b.c.end);
  const canonical: string[] = [CANONICAL_HEADER];
  const excel: string[] = [EXCEL_HEADER];
  rows.forEach(({ e, c }, i) => {
    const id = 'C' + String(i + 1).padStart(6, '0');
    canonical.push(canonicalRow(id, e, c));
    excel.push(excelRow(id, e, c, rng.chance(0.3)));
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'intyg-exempel.csv'), canonical.join('\n') + '\n', 'utf8');
  writeFileSync(join(outDir, 'intyg-exempel-excel.csv'), win1252(excel.join('\r\n') + '\r\n'));

  // --- shape B: ongoing and recently ended episodes of Vårdcentralen Norr, as the rehab tool lists them
  const recent = w.asOf - 80;
  const norr = episodes
    .filter((e) => e.certs[e.certs.length - 1].physician.unit.name === 'Vårdcentralen Norr' && e.unit.name === 'Vårdcentralen Norr')
    .filter((e) => Math.max(...e.certs.map((c) => c.end)) >= recent)
    .sort((a, b) => a.certs[0].start - b.certs[0].start || (a.person.id < b.person.id ? -1 : 1));
  const rehab: string[] = [REHAB_HEADER];
  let ongoingNorr = 0;
  let blankEnd = 0;
  for (const e of norr) {
    const last = e.certs[e.certs.length - 1];
    const end = Math.max(...e.certs.map((c) => c.end));
    const ongoing = end >= w.asOf;
    if (ongoing) ongoingNorr++;
    const hideEnd = ongoing && rng.chance(0.35);
    if (hideEnd) blankEnd++;
    const degrees: number[] = [];
    for (const c of e.certs) if (degrees[degrees.length - 1] !== c.degree) degrees.push(c.degree);
    const age = Math.max(...e.certs.map((c) => ageAt(e.person.birth, c.end)));
    let waitDays = '';
    if (e.referral !== null) {
      const until = e.careStart === null ? w.asOf : e.careStart - 1;
      waitDays = String(coveredDays(e.certs, e.referral, until));
    }
    rehab.push(line([
      e.person.pnr, e.person.name, e.person.gender === 'K' ? 'Kvinna' : 'Man', `${age} år`, diagnosisWithText(e),
      iso(e.certs[0].start), hideEnd ? '' : iso(end), `${coveredDays(e.certs)} dagar`, String(e.certs.length),
      degrees.map((d) => `${d}%`).join(' → '), last.physician.name, waitDays, e.cause
    ], ';'));
  }
  writeFileSync(join(outDir, 'rehabstod-exempel.csv'), '\uFEFF' + rehab.join('\r\n') + '\r\n', 'utf8');

  // --- the file with errors
  const bad = writeErrorFile(outDir);

  // --- statistics for the README (episodes by the 5-day merge rule, as the product counts them)
  const stats = sampleStats(episodes, rows.map((r) => r.c), w.asOf);
  writeReadme(outDir, {
    ...stats, rehabRows: norr.length, rehabOngoing: ongoingNorr, rehabBlankEnd: blankEnd,
    patients: SAMPLE_PATIENTS
  }, bad, w);
  console.log(`data-samples written to ${outDir}`);
  console.log(JSON.stringify({ ...stats, rehabRows: norr.length }, null, 1));
}

function isOngoing(e: Episode, asOf: number): boolean {
  return Math.max(...e.certs.map((c) => c.end)) >= asOf;
}

function sampleStats(episodes: Episode[], certs: Cert[], asOf: number): Stats {
  // episodes by the merge rule over all certificates of each patient
  const byPatient = new Map<string, Cert[]>();
  for (const e of episodes) {
    const list = byPatient.get(e.person.id) ?? [];
    list.push(...e.certs);
    byPatient.set(e.person.id, list);
  }
  let merged = 0;
  for (const list of byPatient.values()) {
    list.sort((a, b) => a.start - b.start);
    let maxEnd = -Infinity;
    for (const c of list) {
      if (c.start > maxEnd + 6) merged++;
      maxEnd = Math.max(maxEnd, c.end);
    }
  }
  const n = episodes.length;
  const lengths = episodes.map((e) => coveredDays(e.certs));
  const isF = (e: Episode) => e.diagCode.startsWith('F');
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const ext = episodes.flatMap((e) => e.certs.slice(1));
  return {
    rows: certs.length,
    patients: byPatient.size,
    episodes: merged,
    women: episodes.filter((e) => e.person.gender === 'K').length / n,
    psychiatric: episodes.filter(isF).length / n,
    f43: episodes.filter((e) => e.diagCode.startsWith('F43')).length / n,
    musculoskeletal: episodes.filter((e) => e.diagCode.startsWith('M')).length / n,
    invalid: episodes.filter((e) => e.diagCode !== e.diag.code).length / n,
    ongoing: episodes.filter((e) => Math.max(...e.certs.map((c) => c.end)) >= asOf).length / n,
    meanLength: mean(lengths),
    meanLengthF: mean(episodes.filter(isF).map((e) => coveredDays(e.certs))),
    meanEnded: mean(episodes.filter((e) => !isOngoing(e, asOf)).map((e) => coveredDays(e.certs))),
    meanEndedF: mean(episodes.filter((e) => isF(e) && !isOngoing(e, asOf)).map((e) => coveredDays(e.certs))),
    over365: lengths.filter((l) => l > 365).length,
    certsPerEpisode: certs.length / n,
    extensions: ext.length,
    waitingShare: ext.filter((c) => c.reason.startsWith('wait_')).length / ext.length,
    blankShare: ext.filter((c) => c.reason === '').length / ext.length,
    oddShare: ext.filter((c) => c.reason.startsWith('odd:')).length / ext.length,
    withReferral: episodes.filter((e) => e.referral !== null).length,
    firstWithReason: episodes.filter((e) => e.certs[0].reason !== '').length,
    startsOnAsOf: certs.filter((c) => c.start === asOf).length,
    new2024: episodes.filter((e) => iso(e.certs[0].start) < '2025').length,
    new2025: episodes.filter((e) => iso(e.certs[0].start) >= '2025' && iso(e.certs[0].start) < '2026').length,
    new2026: episodes.filter((e) => iso(e.certs[0].start) >= '2026').length,
    highEpisodes: episodes.filter((e) => e.certs[e.certs.length - 1].physician.name === PLANTED_HIGH).length,
    lowEpisodes: episodes.filter((e) => e.certs[e.certs.length - 1].physician.name === PLANTED_LOW).length
  };
}

// ---------------------------------------------------------------------------------------------------------------
// intyg-med-fel.csv: good rows, bad rows (contract section 2) and tolerated oddities
// ---------------------------------------------------------------------------------------------------------------
interface ErrRow {
  v: string[];
  /** Why the row must be rejected; absent for rows that must be accepted. */
  bad?: string;
  note?: string;
}

function writeErrorFile(outDir: string): { line: number; reason: string }[] {
  const N = 'Vårdcentralen Norr';
  const S = 'Vårdcentralen Söder';
  const P = 'Psykiatrimottagningen Centrum';
  const O = 'Ortopedmottagningen';
  const r = (id: string, pid: string, g: string, age: string, unit: string, doc: string, dx: string, s: string,
    e: string, deg: string, reason = '', ref = '', care = '', cause = ''): string[] =>
    [id, pid, g, age, unit, doc, dx, s, e, deg, reason, ref, care, cause];
  // prettier-ignore
  const rows: ErrRow[] = [
    { v: r('E001', 'P90001', 'K', '45', N, 'Anna Lindqvist', 'F43.8A', '2025-01-07', '2025-02-03', '100') },
    { v: r('E002', 'P90001', 'K', '45', N, 'Anna Lindqvist', 'F43.8A', '2025-02-04', '2025-03-16', '100', 'Waiting for treatment', '2025-01-20', '', 'Psykoterapi') },
    { v: r('E003', 'P90001', 'K', '45', N, 'Anna Lindqvist', 'F43.8A', '2025-03-17', '2025-04-27', '50', 'Medically motivated', '2025-01-20', '', 'Psykoterapi') },
    { v: r('E004', 'P90002', 'M', '38', S, 'Karin Bergström', 'M54.5', '2025-02-10', '2025-02-23', '100') },
    { v: r('E005', '', 'K', '52', S, 'Karin Bergström', 'J06.9', '2025-03-01', '2025-03-14', '100'), bad: 'missing patient_id' },
    { v: r('E006', 'P90003', 'K', '29', N, 'Sara Nordin', 'J06.9', '2025-03-03', '2025-03-09', '100') },
    { v: r('E007', 'P90004', 'M', '61', O, 'Henrik Dahlberg', 'S82.6', '2025-01-15', '2025-02-25', '100') },
    { v: r('E008', 'P90004', 'M', '61', O, 'Henrik Dahlberg', 'S82.6', '2025-02-26', '2025-04-08', '100', 'Waiting for surgery') },
    { v: r('E009', 'P90005', 'K', '33', N, 'Johan Berggren', 'O26.8', '2026-02-30', '2026-03-15', '100'), bad: 'start date 2026-02-30 does not exist' },
    { v: r('E010', 'P90006', 'X', '47', P, 'Cecilia Wallin', 'F41.1', '2025-04-01', '2025-04-28', '100'), note: 'gender "X" becomes unknown' },
    { v: r('E011', 'P90007', 'K', 'okänd', P, 'Cecilia Wallin', 'F43.2', '2025-04-07', '2025-05-04', '100'), note: 'age "okänd" becomes unknown' },
    { v: r('E012', 'P90008', 'M', '55', S, 'Lars Hedlund', 'M54.4', '2025-03-14', '2025-03-01', '100'), bad: 'end date 2025-03-01 is before start date 2025-03-14' },
    { v: r('E013', 'P90009', 'M', '50', N, 'Per Åkesson', 'ont i ryggen', '2025-05-05', '2025-05-18', '100'), note: 'diagnosis "ont i ryggen" is no ICD-10 code: unknown' },
    { v: r('E014', 'P90002', 'M', '38', S, 'Karin Bergström', 'M54.5', '2025-02-24', '2025-03-09', '75', 'se journal'), note: 'extension reason "se journal" is unrecognised: unknown' },
    { v: r('E015', 'P90010', 'K', '41', S, 'Sofia Ekberg', 'F32.1', '2025-05-12', '2025-06-08', '60'), bad: 'degree 60 is not 25, 50, 75 or 100' },
    { v: r('E016', 'P90011', 'K', '36', N, 'Sara Nordin', 'F32.0', '2025-05-19', '2025-06-15', '100') },
    { v: r('E017', 'P90012', 'M', '59', O, 'Ulrika Nyström', 'M17.1', '2020-01-01', '2025-06-30', '100'), bad: 'period 2020-01-01 to 2025-06-30 is longer than 5 years' },
    { v: r('E018', 'P90013', 'K', '44', N, 'Elin Wikström', 'F43.0', '', '2025-06-20', '100'), bad: 'missing start_date' },
    { v: r('E019', 'P90011', 'K', '36', N, 'Sara Nordin', 'F32.0', '2025-06-16', '2025-07-13', '50', 'Worsening') },
    { v: r('E020', 'P90014', 'M', '27', S, 'Jonas Falk', 'S62.3', '2025-06-02', '2025-07-06', ''), bad: 'missing degree' },
    { v: r('E021', 'P90015', 'K', '63', N, 'Anna Lindqvist', 'I25.1', '2025-06-09', '2025-07-06', '100') },
    { v: r('E022', 'P90016', 'K', '48', P, 'Amira Hassan', 'F43.8A', '2025-06-09', '2025-07-20', '100') },
    { v: r('E023', 'P90016', 'K', '48', P, 'Amira Hassan', 'F43.8A', '2025-07-21', '2025-09-14', '100', 'se journal, bedömning pågår'), note: 'quoted field containing the delimiter; unrecognised reason: unknown' },
    { v: r('E024', 'P90017', 'M', '31', S, 'Lars Hedlund', 'J11.1', '2025-04-22', '2025-04-31', '100'), bad: 'end date 2025-04-31 does not exist' },
    { v: r('E025', 'P90018', 'K', '39', N, 'Johan Berggren', 'M75.4', '2025-07-01', '2025-07-28', '100') },
    { v: r('E026', 'P90018', 'K', '39', N, 'Johan Berggren', 'M75.4', '2025-07-29', '2025-08-31', '100', 'Waiting for rehabilitation', '2025-07-10', '2025-08-25', 'Fysioterapi') },
    { v: r('E027', 'P90019', 'M', '52', S, 'Karin Bergström', 'F43.2', '2025-08-04', '', '100'), bad: 'missing end_date' },
    { v: r('E028', 'P90020', 'K', '24', N, 'Mohammed Haddad', 'F41.0', '2025-08-11', '2025-08-24', '100') },
    { v: r('E029', 'P90020', 'K', '24', N, 'Mohammed Haddad', 'F41.0', '2025-08-24', '2025-09-07', '75', 'Workplace related'), note: 'overlaps the previous certificate by one day' },
    { v: r('E030', 'P90021', 'M', '46', O, 'Björn Hellström', 'M51.1', '2025-09-01', '2025-10-12', '100') },
    { v: r('E031', 'P90021', 'M', '46', O, 'Björn Hellström', 'M51.1', '2025-10-15', '2025-11-23', '100', 'Waiting for investigation', '2025-09-05', '', 'Magnetkameraundersökning'), note: 'two-day break after the previous certificate: same episode' },
    { v: r('E032', 'P90022', 'K', '57', S, 'Sofia Ekberg', 'C50.9', '2025-09-08', '2025-12-07', '100') },
    { v: r('E033', 'P90023', 'M', '35', N, 'Per Åkesson', 'S52.5', '2025-10-06', '2025-11-16', '100') },
    { v: r('E034', 'P90024', 'K', '42', P, 'Gustav Engström', 'F32.1', '2025-10-13', '2025-11-23', '100') },
    { v: r('E035', 'P90024', 'K', '42', P, 'Gustav Engström', 'F32.1', '2025-11-24', '2026-01-18', '75', 'Väntan på behandling'), note: 'Swedish reason label in a canonical file' },
    { v: r('E036', 'P90025', 'M', '64', S, 'Lars Hedlund', 'I21.9', '2025-11-03', '2025-12-14', '100') },
    { v: r('E037', 'P90026', 'K', '58', O, 'Ulrika Nyström', 'M17.1', '2025-11-10', '2025-12-07', '50', 'Waiting for surgery', '2025-11-12', '', 'Operation ("knä")'), note: 'first certificate of its episode with a reason: not an extension; quoted field with embedded quotes' },
    { v: r('E038', 'P90027', 'K', '50', P, 'Thomas Blom', 'F43.8A', '2025-12-01', '2026-01-11', '100', 'Waiting for treatment', '2025-12-03', '', 'Psykoterapi\n(KBT, väntelista)'), note: 'quoted field with an embedded line break and a comma (the record spans two physical lines)' },
    { v: r('E039', 'P90028', 'M', '43', S, 'Jonas Falk', 'M54.5', '2026-01-12', '2026-01-25', '100') },
    { v: r('E040', 'P90029', 'K', '37', N, 'Anna Lindqvist', 'J18.9', '2026-02-02', '2026-02-22', '100') }
  ];
  const text = [CANONICAL_HEADER, ...rows.map((x) => line(x.v, ','))].join('\n') + '\n';
  writeFileSync(join(outDir, 'intyg-med-fel.csv'), text, 'utf8');
  // line numbers: header = line 1; all bad rows come before the two-line record, so record k is on line k + 1
  const bad: { line: number; reason: string }[] = [];
  let physical = 2;
  rows.forEach((x) => {
    if (x.bad) bad.push({ line: physical, reason: x.bad });
    physical += line(x.v, ',').split('\n').length;
  });
  ERR_ROWS = rows;
  return bad;
}
let ERR_ROWS: ErrRow[] = [];

// ---------------------------------------------------------------------------------------------------------------
// README
// ---------------------------------------------------------------------------------------------------------------
function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

function writeReadme(outDir: string, s: Stats, bad: { line: number; reason: string }[], w: World): void {
  const goodCount = ERR_ROWS.length - bad.length;
  const physicians = w.units.reduce((n, u) => n + u.physicians.length, 0);
  const md = `# Exempeldata (synthetic sample data)

**Everything in this folder is synthetic.** The patients, their personnummer (valid check digit, never a real person),
their names, the physicians and the units are made up by \`scripts/generate-samples.ts\`. This file is written by that
script too: change the script, not this file.

Regenerate (byte-identical every time: seeded PRNG, UTC day arithmetic only):

\`\`\`
npm run samples            # = npx tsx scripts/generate-samples.ts
\`\`\`

Benchmark data (not committed, \`bench-data/\` is git-ignored):
\`npx tsx scripts/generate-samples.ts --bench 1000000 --out bench-data/certs-1m.csv\` streams N certificate rows in the
shape of \`intyg-exempel.csv\` (same header; 12 units with short names such as "VC Norr", 200 physicians, certificates
from 2023-10-01 to 2026-09-30, ~2.5 per episode, ~97 bytes per row, 1M rows in ~3 s). Same seed, same bytes.

## The files

| file | shape | encoding | rows |
|---|---|---|---|
| \`intyg-exempel.csv\` | A, certificates, canonical English headers | UTF-8, \`,\`, LF | ${s.rows} |
| \`intyg-exempel-excel.csv\` | A, the same certificates as a Swedish Excel export | Windows-1252, \`;\`, CRLF | ${s.rows} |
| \`rehabstod-exempel.csv\` | B, episodes (like Rehabstöd's list), Vårdcentralen Norr only | UTF-8 with BOM, \`;\`, CRLF | ${s.rehabRows} |
| \`intyg-med-fel.csv\` | A, good and bad rows | UTF-8, \`,\`, LF | ${ERR_ROWS.length} |

### intyg-exempel.csv and intyg-exempel-excel.csv
The same ${s.rows} certificates in the same order (by start date), with the same certificate ids: loading either
gives the same ${s.episodes} episodes. Export date (as_of) **2026-09-30**; certificates from 2024-01-01; the latest start
date is 2026-09-30, so the default as_of is the export date.

- \`intyg-exempel.csv\`: \`${CANONICAL_HEADER}\`. patient_id is a pseudonym
  (P00001...), gender K/M, age at the certificate's end date, diagnosis as a code, extension_reason as the English
  label of contract section 3 (blank, or an unrecognised free text such as "se journal").
- \`intyg-exempel-excel.csv\`: \`${EXCEL_HEADER}\`. No gender or
  age columns: both come from the personnummer (YYYYMMDD-NNNC, Luhn check digit; second-to-last digit odd for men,
  even for women; ~1 % samordningsnummer with day + 60). Patientnamn is a fake name that the product must drop at
  parse time. Diagnos with text ("F43.8A Utmattningssyndrom"), grad as "100%" or "100 %", Swedish reason labels.

Population: ${s.patients} patients, ${s.episodes} episodes (5-day merge rule), ${s.certsPerEpisode.toFixed(2)} certificates per
episode; 5 units, ${physicians} physicians. Women ${pct(s.women)} of episodes; psychiatric (F) ${pct(s.psychiatric)}
(F43 ${pct(s.f43)}); musculoskeletal (M) ${pct(s.musculoskeletal)}; unparseable diagnosis ("okänd" or blank)
${pct(s.invalid)}. Mean length (days covered, planned) ${s.meanLength.toFixed(1)} days, psychiatric ${s.meanLengthF.toFixed(1)}; over the
episodes that ended before the export date ${s.meanEnded.toFixed(1)} and ${s.meanEndedF.toFixed(1)}; ${s.over365} episodes longer than 365 days. Ongoing at the export date (last certificate ends on or after 2026-09-30): ${pct(s.ongoing)}.
Extensions: ${s.extensions}; waiting reasons ${pct(s.waitingShare)}, blank ${pct(s.blankShare)}, unrecognised free
text ${pct(s.oddShare)}. ${s.firstWithReason} first certificates carry a reason anyway (they are not extensions).
${s.withReferral} episodes have referral_date / care_start_date / waiting_cause (repeated on each of their rows;
care_start_date blank while still waiting at the export date).
Certificates of an episode are mostly contiguous, sometimes overlap by a day or have a 1-5 day break (same episode
under the 5-day rule); ~5 % of patients have a second episode more than 5 days after the first. New episodes
rise over the period (episodes starting in 2024: ${s.new2024}, 2025: ${s.new2025}, January-September 2026: ${s.new2026}),
with a summer dip and infections in winter; this rise is what makes ~10 % of the episodes ongoing at the export date.

### Planted effects (what the dashboard should find)
1. **${PLANTED_HIGH}** (Vårdcentralen Söder, ${s.highEpisodes} episodes): episodes ${HIGH_FACTOR}x as long as case mix
   explains: O/E of "> 90 days" clearly high (flag "high").
2. **${PLANTED_LOW}** (Vårdcentralen Väster, ${s.lowEpisodes} episodes): episodes ${LOW_FACTOR}x as long: flag "low".
   No other physician has an effect of their own.
3. **Gender**: women with a psychiatric (F) diagnosis get ~30 % longer episodes than men with the same diagnosis;
   no gender factor for musculoskeletal (M) or other diagnoses. The case-mix-adjusted odds ratio (women vs men,
   "> 90 days") should be above 1, driven by F.
4. **Waiting**: waiting extensions are concentrated at Psykiatrimottagningen Centrum ("Waiting for treatment" /
   "Väntan på behandling", i.e. psychotherapy) and Ortopedmottagningen ("Waiting for surgery" / "Väntan på
   operation"), over half of their extensions; the primary-care units wait on about a quarter of theirs
   (psychotherapy, investigation, a specialist).
5. Unit case mix differs: the psychiatry unit is almost all F, orthopaedics M and S fractures.
6. Rising trend: more new episodes every half-year (see the counts above), mostly visible in 2026.
Lengths are log-normal per diagnosis (F43.8A median ~120 days, infections 7-14 days, lumbago ~10), a little longer
with age.

### rehabstod-exempel.csv
\`${REHAB_HEADER}\`.
The episodes of Vårdcentralen Norr from the same population that are ongoing at 2026-09-30 or ended within the last
80 days, one row per episode: ${s.rehabRows} rows, ${s.rehabOngoing} ongoing, of which ${s.rehabBlankEnd} have a blank Slutdatum.
Kön Kvinna/Man, Ålder "45 år", Längd "43 dagar" (days covered, planned), Grad as the sequence of degrees ("100% →
50%": the last is the current one), Väntetid (dagar) = days of the episode between Remissdatum and Vårdstart (or the
export date) when known. It is an extract of the same people: do not load it together with the two files above.

### intyg-med-fel.csv
${ERR_ROWS.length} data rows (${ERR_ROWS.length + 1} records with the header, ${ERR_ROWS.length + 2} physical lines because one
quoted field contains a line break): **${bad.length} must be rejected, ${goodCount} accepted.** Line numbers count the header
as line 1; all bad rows come before the two-line record, so record k is on line k + 1 for every bad row.

| line | certificate_id | reason to reject |
|---|---|---|
${bad.map((b) => `| ${b.line} | ${ERR_ROWS[b.line - 2].v[0]} | ${b.reason} |`).join('\n')}

Accepted rows worth a look (tolerated oddities, where the value becomes unknown and the row is kept, and edge cases):
${ERR_ROWS.filter((x) => x.note).map((x) => `- ${x.v[0]}: ${x.note}`).join('\n')}
`;
  writeFileSync(join(outDir, 'README.md'), md, 'utf8');
}

// ---------------------------------------------------------------------------------------------------------------
// Benchmark mode
// ---------------------------------------------------------------------------------------------------------------
async function writeBench(n: number, out: string): Promise<void> {
  const t0 = performance.now();
  const w = makeWorld(benchUnits(), '2023-10-01', '2026-09-30', 0.8, 2.0);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  const stream = createWriteStream(out);
  const idWidth = String(Math.ceil(n / 2)).length;
  const certWidth = String(n).length;
  let written = 0;
  let buf: string[] = [CANONICAL_HEADER];
  let bufLen = 0;
  let patient = 0;
  const flush = async (): Promise<void> => {
    if (buf.length === 0) return;
    const chunk = buf.join('\n') + '\n';
    buf = [];
    bufLen = 0;
    if (!stream.write(chunk)) await new Promise<void>((r) => stream.once('drain', () => r()));
  };
  const emit = (e: Episode): void => {
    for (const c of e.certs) {
      if (written >= n) return;
      written++;
      const row = canonicalRow('C' + String(written).padStart(certWidth, '0'), e, c);
      buf.push(row);
      bufLen += row.length;
    }
  };
  while (written < n) {
    simulatePatient(new Rng(streamSeed(BENCH_SEED, patient)), w, patient, idWidth, null, patient === 0 ? w.asOf : null, emit);
    patient++;
    if (bufLen > 1 << 20) await flush();
  }
  await flush();
  await new Promise<void>((r, j) => stream.end((err?: Error | null) => (err ? j(err) : r())));
  const secs = (performance.now() - t0) / 1000;
  console.log(`${written} rows (${patient} patients) written to ${out} in ${secs.toFixed(1)} s`);
}

// ---------------------------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const bi = args.indexOf('--bench');
  if (bi >= 0) {
    const n = Number(args[bi + 1]);
    const oi = args.indexOf('--out');
    const out = oi >= 0 ? args[oi + 1] : `bench-data/certs-${n}.csv`;
    if (!Number.isInteger(n) || n <= 0) throw new Error('usage: --bench N [--out PATH] with N a positive integer');
    await writeBench(n, out);
    return;
  }
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  writeSamples(join(root, 'data-samples'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
