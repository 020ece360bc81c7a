// Reading the timestamps of a /select-voucher request, and counting UTC calendar days.
// Pure functions of their arguments: never read the clock or the machine's time zone here.

// `YYYY-MM-DD`, optionally ` HH:MM[:SS[.fraction]]` or `THH:MM...`, optionally `Z` or an offset (`+00`, `+0000`, `+00:00`).
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:\s?(Z|[+-]\d{2}(?::?\d{2})?))?$/i;

const DAY_MS = 86_400_000;

function offsetMinutes(offset: string | undefined): number | undefined {
  if (offset === undefined || offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

/**
 * Parses `YYYY-MM-DD HH:MM:SS` (read as UTC, as in the seed) and ISO 8601 with or without an offset.
 * Returns undefined for anything else, including dates that do not exist (2021-02-30).
 */
export function parseTimestamp(text: string): Date | undefined {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset] = match;
  const parts = [Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second)] as const;
  const shift = offsetMinutes(offset);
  if (shift === undefined) return undefined;
  const [y, mo, d, h, mi, s] = parts;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const check = new Date(local);
  // Date.UTC rolls 2021-02-30 over to March: a value that does not come back unchanged did not exist.
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  if (y < 1) return undefined;
  return new Date(local - shift * 60_000);
}

/** UTC calendar days from the date of `from` to the date of `to` (negative when `to` is earlier). */
export function utcDaysBetween(from: Date, to: Date): number {
  return Math.floor(to.getTime() / DAY_MS) - Math.floor(from.getTime() / DAY_MS);
}
