/** The string catalogue: Swedish by default, English by a switch. */
import { sv, type Messages } from './sv';
import { en } from './en';

export type Locale = 'sv' | 'en';
export const catalogues: Record<Locale, Messages> = { sv, en };
export type { Messages };
export { sv, en };
