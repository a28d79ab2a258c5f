/**
 * npm run analyze -- FILE... [--as-of YYYY-MM-DD] [--from YYYY-MM-DD --to YYYY-MM-DD] [--gap N] [--json]
 * Runs the same SQL as the dashboard on native DuckDB and prints a readable summary, or the contract's JSON.
 */
import { existsSync } from 'node:fs';
import { NodeEngine } from '../lib/engine/node';
import { Dataset } from '../lib/dataset';
import { fileFromPath } from '../lib/node-input';
import { summarize, type Summary } from '../lib/analysis/summary';
import { NO_FILTERS } from '../lib/analysis/filters';
import { DEFAULT_GAP } from '../lib/analysis/episodes';
import { sv } from '../lib/i18n';
import { refusalSentence, rejectLine } from '../lib/ingest/messages';
import { fmtInt, fmtNum, fmtPct } from '../lib/format';

const USAGE = 'Användning: npm run analyze -- FIL... [--as-of ÅÅÅÅ-MM-DD] [--from ÅÅÅÅ-MM-DD --to ÅÅÅÅ-MM-DD] [--gap N] [--json]';

interface Args { files: string[]; asOf: string | null; from: string | null; to: string | null; gap: number; json: boolean }

class UsageError extends Error {}

function isDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s + 'T00:00:00Z')) &&
    new Date(s + 'T00:00:00Z').toISOString().slice(0, 10) === s;
}

export function parseArgs(argv: string[]): Args {
  const a: Args = { files: [], asOf: null, from: null, to: null, gap: DEFAULT_GAP, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} behöver ett värde. ${USAGE}`);
      return v;
    };
    const date = () => {
      const v = value();
      if (!isDate(v)) throw new UsageError(`${arg} ${v} är inget datum på formen ÅÅÅÅ-MM-DD.`);
      return v;
    };
    if (arg === '--json') a.json = true;
    else if (arg === '--as-of') a.asOf = date();
    else if (arg === '--from') a.from = date();
    else if (arg === '--to') a.to = date();
    else if (arg === '--gap') {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 90) throw new UsageError(`--gap ${v} ska vara ett heltal 0–90.`);
      a.gap = n;
    } else if (arg === '--help' || arg === '-h') throw new UsageError(USAGE);
    else if (arg.startsWith('--')) throw new UsageError(`Okänd flagga ${arg}. ${USAGE}`);
    else a.files.push(arg);
  }
  if (a.files.length === 0) throw new UsageError(`Ange minst en fil. ${USAGE}`);
  if ((a.from === null) !== (a.to === null)) throw new UsageError('--from och --to anges tillsammans.');
  if (a.from && a.to && a.from > a.to) throw new UsageError(`--from ${a.from} är efter --to ${a.to}.`);
  return a;
}

function text(s: Summary): string {
  const m = sv;
  const lines = [
    `${m.app.title}: sammanfattning (uttagsdatum ${s.as_of}, uppehåll ${s.gap_days} dagar)`,
    s.selection.from ? `Urval: sjukfall med minst en dag ${s.selection.from} – ${s.selection.to}` : 'Urval: alla sjukfall',
    '',
    `Rader: ${fmtInt(s.input.rows_read)} lästa, ${fmtInt(s.input.rows_accepted)} godkända, ${fmtInt(s.input.rows_rejected)} avvisade; ${fmtInt(s.input.duplicates_merged)} dubbletter sammanslagna (${m.load.shapes[s.input.shape]})`,
    `Sjukfall: ${fmtInt(s.episodes.total)} (kvinnor ${fmtInt(s.episodes.women)}, män ${fmtInt(s.episodes.men)}), pågående ${fmtInt(s.episodes.ongoing)}`,
    `Medianlängd (Kaplan–Meier): ${s.length.median_km_days ?? '–'} dagar (95 % KI ${s.length.median_km_ci.low ?? '–'}–${s.length.median_km_ci.high ?? '–'})`,
    `Andel > 90 / 180 / 365 dagar: ${fmtPct(s.length.over_90_share)} / ${fmtPct(s.length.over_180_share)} / ${fmtPct(s.length.over_365_share)}`,
    `Nettodagar: ${fmtNum(s.net_days, 1)}`,
    '',
    'Längd (dagar): ' + Object.entries(s.length.bands).map(([b, n]) => `${b}: ${fmtInt(n)}`).join(', '),
    '',
    `Förlängningar: ${fmtInt(s.waiting.extensions)}, varav väntan ${fmtInt(s.waiting.waiting_extensions)} (${fmtNum(s.waiting.waiting_net_days, 1)} nettodagar)`,
    ...Object.entries(s.waiting.by_reason).filter(([, n]) => n > 0).map(([r, n]) => `  ${m.reasons[r] ?? r}: ${fmtInt(n)}`),
    '',
    `Kvinnor/män: medianlängd ${s.gender.median_km_days.women ?? '–'} / ${s.gender.median_km_days.men ?? '–'} dagar, > 90 dagar ${fmtPct(s.gender.over_90_share.women)} / ${fmtPct(s.gender.over_90_share.men)}`,
    `Justerad oddskvot > 90 dagar, kvinnor mot män (diagnosgrupp × åldersgrupp): ${fmtNum(s.gender.mh_odds_ratio_over_90.estimate, 2)} (95 % KI ${fmtNum(s.gender.mh_odds_ratio_over_90.ci_low, 2)}–${fmtNum(s.gender.mh_odds_ratio_over_90.ci_high, 2)})`,
    ''
  ];
  const oe = (title: string, rows: Summary['physicians']) => {
    lines.push(`${title}: observerade/förväntade sjukfall > 90 dagar`);
    for (const r of rows) {
      const flag = r.flag === 'high' ? '  ▲ över förväntat' : r.flag === 'low' ? '  ▼ under förväntat' : '';
      lines.push(`  ${r.id}: ${fmtInt(r.episodes)} sjukfall, O ${r.observed_over_90} / E ${fmtNum(r.expected_over_90, 1)} = ${fmtNum(r.ratio, 2)}${flag}`);
    }
    lines.push('');
  };
  oe('Läkare', s.physicians);
  oe('Enheter', s.units);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  for (const f of args.files) {
    if (!existsSync(f)) {
      process.stderr.write(`Filen ${f} finns inte.\n`);
      return 1;
    }
  }
  const engine = await NodeEngine.create();
  try {
    const ds = new Dataset(engine);
    for (const f of args.files) {
      const report = await ds.addFile(fileFromPath(f));
      if (!report.ok) {
        process.stderr.write(`${f}: ${refusalSentence(sv, report)}\n`);
        return 1;
      }
    }
    await ds.build({ gap: args.gap, asOf: args.asOf });
    const summary = await summarize(ds, { ...NO_FILTERS, from: args.from, to: args.to });
    if (args.json) {
      process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    } else {
      process.stdout.write(text(summary) + '\n');
      const rejects = await ds.rejects();
      if (rejects.length) {
        process.stdout.write(`Avvisade rader (${rejects.length}):\n`);
        for (const r of rejects.slice(0, 20)) process.stdout.write(`  ${r.file} ${rejectLine(sv, r)}\n`);
        if (rejects.length > 20) process.stdout.write(`  … och ${rejects.length - 20} till\n`);
      }
    }
    return 0;
  } catch (e) {
    process.stderr.write(`Analysen misslyckades: ${(e as Error).message.split('\n')[0]}\n`);
    return 1;
  } finally {
    await engine.close();
  }
}

const invokedDirectly = process.argv[1] && /analyze\.(ts|js|mjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
