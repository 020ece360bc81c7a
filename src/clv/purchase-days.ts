// Each customer's purchase days, kept order by order in the store worker: a purchase is a UTC calendar day with at
// least one counted order (its latest version), the day's total the sum of their cents. No I/O, no DuckDB.
// The summary it gives is sql/clv/030_clv_purchase_summary.sql's; test/clv/incremental-summary.test.ts holds them equal.
import { compareText } from '../ltv/store/text-order.js';
import type { Version } from '../ltv/store/versions.js';
import type { PurchaseSummary } from './model.js';

const DAY_MS = 86_400_000;

/** The UTC calendar day of a time in milliseconds, as days since 1970-01-01. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

interface Day {
  orders: number;
  cents: bigint;
}

export class PurchaseDays {
  /** By customer, by day: the orders counted on that day and their cents. */
  readonly #customers = new Map<string, Map<number, Day>>();
  #changes = 0;

  /** Counts the changes to any customer's days: a summary (and a fit) made at another count is stale. */
  get changes(): number {
    return this.#changes;
  }

  /** An order's counted version changed (LtvState's OrderListener): its cents leave the old customer and day for the new ones. */
  move(previous: Version | undefined, next: Version): void {
    if (
      previous &&
      previous.customerId === next.customerId &&
      dayOf(previous.at) === dayOf(next.at) &&
      previous.amountCents === next.amountCents
    ) {
      return;
    }
    if (previous) this.#add(previous.customerId!, dayOf(previous.at), -1, -previous.amountCents!);
    this.#add(next.customerId!, dayOf(next.at), 1, next.amountCents!);
    this.#changes++;
  }

  #add(customerId: string, day: number, orders: number, cents: bigint): void {
    let days = this.#customers.get(customerId);
    if (!days) {
      days = new Map();
      this.#customers.set(customerId, days);
    }
    const counted = days.get(day) ?? { orders: 0, cents: 0n };
    counted.orders += orders;
    counted.cents += cents;
    if (counted.orders > 0) days.set(day, counted);
    else days.delete(day);
    if (days.size === 0) this.#customers.delete(customerId);
  }

  /**
   * One summary per customer with a purchase day on or before `calibrationEndDay`, in customer_id order (as the SQL
   * sorts): repeat purchase days, the days from the first to the last and to the calibration end, the repeat days' cents.
   */
  summaries(calibrationEndDay: number): PurchaseSummary[] {
    const summaries: PurchaseSummary[] = [];
    for (const [customerId, days] of this.#customers) {
      let first = Infinity;
      let last = -Infinity;
      let count = 0;
      let cents = 0n;
      let firstCents = 0n;
      for (const [day, counted] of days) {
        if (day > calibrationEndDay) continue;
        count++;
        cents += counted.cents;
        if (day < first) [first, firstCents] = [day, counted.cents];
        if (day > last) last = day;
      }
      if (count === 0) continue;
      const frequency = count - 1;
      const repeatCents = cents - firstCents;
      summaries.push({
        customerId,
        frequency,
        recencyDays: last - first,
        tDays: calibrationEndDay - first,
        repeatCents,
        monetaryValue: frequency > 0 ? Number(repeatCents) / frequency / 100 : null,
      });
    }
    return summaries.sort((a, b) => compareText(a.customerId, b.customerId));
  }
}
