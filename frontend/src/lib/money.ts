// Dollars and months as the spend views show them. Pure helpers, no state.
// dollars mirrors Go's cost.FormatUSD, so the window and `deepr costs`
// print the same amounts.

/** dollars writes an amount: "$12.34", four decimals under a cent ("$0.0042"), "$0.00" for zero. */
export function dollars(v: number | null | undefined): string {
  const n = v ?? 0;
  if (!Number.isFinite(n)) return '—';
  if (n !== 0 && Math.abs(n) < 0.01) return `$${n.toFixed(4)}`;
  return `$${n.toFixed(2)}`;
}

/** monthOf returns the UTC month of an instant, "YYYY-MM" (Deepr's months are UTC, like the providers' bills). */
export function monthOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** monthName writes "2026-03" as "March 2026"; anything else is returned as it is. */
export function monthName(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  return d.toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}
