// Test helper: the CDNOW sample (data/cdnow) summarised by the conventions of data/cdnow/README.md, for the
// published-fit and holdout tests. Reads the file from the repository root, where tap runs.
import { readFileSync } from 'node:fs';

const DAY_MS = 86_400_000;
const CALIBRATION_END = Date.UTC(1997, 8, 30);
const HOLDOUT_END = Date.UTC(1998, 5, 30);

/** Weeks of the holdout period, 1997-10-01 to 1998-06-30 (273 days). */
export const HOLDOUT_WEEKS = (HOLDOUT_END - CALIBRATION_END) / DAY_MS / 7;

export interface CdnowCustomer {
  /** The sample customer id, 1 to 2357. */
  id: number;
  /** Repeat purchase days in the calibration period. */
  x: number;
  /** Weeks from the first purchase day to the last one in the calibration period. */
  t_x: number;
  /** Weeks from the first purchase day to 1997-09-30. */
  T: number;
  /** Mean of the repeat purchase days' totals in the calibration period (0 when x = 0). */
  monetary: number;
  /** Purchase days in the holdout period, 1997-10-01 to 1998-06-30. */
  holdout: number;
}

function dayOf(yyyymmdd: string): number {
  return (
    Date.UTC(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)) - 1, Number(yyyymmdd.slice(6, 8))) / DAY_MS
  );
}

/**
 * One summary per customer, in id order. A purchase is a calendar day with at least one line, its values summed.
 * `calibrationEnd` (YYYY-MM-DD): the README's 1997-09-30 unless given.
 */
export function loadCdnow(path = 'data/cdnow/CDNOW_sample.txt', calibrationEnd?: string): CdnowCustomer[] {
  const days = new Map<number, Map<number, number>>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 5) continue;
    const [, id, date, , value] = fields as [string, string, string, string, string];
    const customer = days.get(Number(id)) ?? new Map<number, number>();
    days.set(Number(id), customer);
    const day = dayOf(date);
    customer.set(day, (customer.get(day) ?? 0) + Number(value));
  }
  const end = (calibrationEnd === undefined ? CALIBRATION_END : Date.parse(`${calibrationEnd}T00:00:00Z`)) / DAY_MS;
  return [...days.entries()]
    .sort(([one], [other]) => one - other)
    .map(([id, spend]) => {
      const dates = [...spend.keys()].filter((day) => day <= HOLDOUT_END / DAY_MS).sort((one, other) => one - other);
      const calibration = dates.filter((day) => day <= end);
      const first = calibration[0]!;
      const last = calibration[calibration.length - 1]!;
      const repeats = calibration.slice(1).map((day) => spend.get(day)!);
      return {
        id,
        x: repeats.length,
        t_x: (last - first) / 7,
        T: (end - first) / 7,
        monetary: repeats.length === 0 ? 0 : repeats.reduce((sum, value) => sum + value, 0) / repeats.length,
        holdout: dates.length - calibration.length,
      };
    });
}
