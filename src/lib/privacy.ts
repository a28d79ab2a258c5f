/**
 * What is shared beyond the unit: counts under 5 suppressed, physicians optionally pseudonymised
 * ("Läkare A", "Läkare B", … stable within the session).
 */

export const SUPPRESS_BELOW = 5;

/** A count as shown: '<5' in share mode when 1–4, else the formatted number. */
export function shownCount(n: number | null | undefined, share: boolean, format: (n: number) => string): string {
  if (n === null || n === undefined) return '–';
  if (share && n > 0 && n < SUPPRESS_BELOW) return `<${SUPPRESS_BELOW}`;
  return format(n);
}

/** True when a count must be hidden in share mode. */
export function isSuppressed(n: number | null | undefined, share: boolean): boolean {
  return share && n !== null && n !== undefined && n > 0 && n < SUPPRESS_BELOW;
}

const aliases = new Map<string, string>();

function letters(i: number): string {
  let s = '';
  let n = i;
  do {
    s = String.fromCharCode(65 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}

/** The physician as shown: the id, or a stable pseudonym ("A", "B", … "AA") when pseudonymising. */
export function physicianLabel(id: string | null, pseudonymise: boolean, prefix = 'Läkare'): string {
  if (id === null) return '–';
  if (!pseudonymise) return id;
  let alias = aliases.get(id);
  if (!alias) {
    alias = letters(aliases.size);
    aliases.set(id, alias);
  }
  return `${prefix} ${alias}`;
}

/** Assign pseudonyms in a stable order (e.g. sorted ids) so that the letters do not depend on view order. */
export function primePhysicianAliases(ids: string[]): void {
  for (const id of [...ids].sort()) if (!aliases.has(id)) aliases.set(id, letters(aliases.size));
}
