// Which version of a customer or an order is the latest, as sql/ltv/040 decides with arg_max over a
// struct: the later event_at, then UPDATE over NEW, then the larger amount, then the greater customer_id,
// then the greater last_name; in DuckDB's struct order a null field ranks above any value.
import { compareText } from './text-order.js';

export interface Version {
  at: number;
  isUpdate: boolean;
  amountCents: bigint | null;
  customerId: string | null;
  lastName: string | null;
}

function compareNullable<T>(a: T | null, b: T | null, compare: (a: T, b: T) => number): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return compare(a, b);
}

/** Negative when `a` is an older version than `b`, positive when newer, 0 when the same. */
export function compareVersions(a: Version, b: Version): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  if (a.isUpdate !== b.isUpdate) return a.isUpdate ? 1 : -1;
  return (
    compareNullable(a.amountCents, b.amountCents, (x, y) => (x === y ? 0 : x < y ? -1 : 1)) ||
    compareNullable(a.customerId, b.customerId, compareText) ||
    compareNullable(a.lastName, b.lastName, compareText)
  );
}
