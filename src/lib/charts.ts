/** Chart colours (contrast ≥ 3:1 against white for graphical objects, WCAG 1.4.11). */
export const COLORS = {
  women: '#b03a6f',
  men: '#1f5f99',
  total: '#4a4a4a',
  unknown: '#767676',
  accent: '#c05a00',
  good: '#2e7d32',
  warn: '#b26a00',
  alarm: '#b00020',
  band: '#9db7d5'
} as const;
