/**
 * zod schemas of the row types that come out of the ingest SQL (docs/data-model.md): what a parsed certificate
 * or episode row, a rejected row and a file's counts must look like. Used where rows leave SQL for the UI or
 * the CLI, and by the tests on every fixture row.
 */
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const reasonCode = z.enum([
  'wait_investigation', 'wait_treatment', 'wait_surgery', 'wait_specialist', 'wait_rehabilitation',
  'medical', 'worsening', 'workplace', 'other', 'unknown'
]);
/** A pseudonym (P- and 10 hex digits) or an id that is not a personnummer (never 10/12 digits). */
const patient = z.string().min(1).refine((v) => !/^(\d{2})?\d{6}[-+ ]?\d{4}$/.test(v), 'a personnummer must never be kept');

export const CertificateRowSchema = z.object({
  file_id: z.number().int(),
  rec: z.number().int().positive(),
  patient,
  certificate_id: z.string().nullable(),
  start_date: isoDate,
  end_date: isoDate,
  degree: z.union([z.literal(25), z.literal(50), z.literal(75), z.literal(100)]),
  gender: z.enum(['K', 'M']).nullable(),
  age: z.number().int().min(0).max(125).nullable(),
  unit: z.string().nullable(),
  physician: z.string().nullable(),
  diagnosis: z.string().regex(/^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/).nullable(),
  extension_reason: reasonCode.nullable(),
  referral_date: isoDate.nullable(),
  care_start_date: isoDate.nullable(),
  waiting_cause: z.string().nullable()
}).refine((r) => r.end_date >= r.start_date, 'end before start');

export const EpisodeRowSchema = z.object({
  file_id: z.number().int(),
  rec: z.number().int().positive(),
  patient,
  start_date: isoDate,
  end_date: isoDate.nullable(),
  degree: z.union([z.literal(25), z.literal(50), z.literal(75), z.literal(100)]).nullable(),
  gender: z.enum(['K', 'M']).nullable(),
  age: z.number().int().min(0).max(125).nullable(),
  unit: z.string().nullable(),
  physician: z.string().nullable(),
  diagnosis: z.string().nullable(),
  length: z.number().int().nonnegative().nullable(),
  certificates: z.number().int().nonnegative().nullable(),
  waiting_days: z.number().int().nonnegative().nullable(),
  waiting_cause: z.string().nullable()
});

export const RejectRowSchema = z.object({
  file_id: z.number().int(),
  line: z.number().int().positive(),
  reason: z.enum([
    'missing_patient', 'missing_start', 'missing_end', 'missing_degree', 'bad_start', 'bad_end', 'ambiguous_start',
    'ambiguous_end', 'end_before_start', 'bad_degree', 'too_long', 'too_many_fields', 'malformed'
  ]),
  value1: z.string().nullable(),
  value2: z.string().nullable(),
  text: z.string().nullable()
});

export const FileCountsSchema = z.object({
  rows_read: z.number().int().nonnegative(),
  rows_accepted: z.number().int().nonnegative(),
  rows_rejected: z.number().int().nonnegative(),
  pseudonymised: z.number().int().nonnegative()
}).refine((c) => c.rows_read === c.rows_accepted + c.rows_rejected, 'rows_read = rows_accepted + rows_rejected');
