// The lifetime value kept up to date event by event: the latest version of each customer and order, each
// customer's revenue, visits and last name, the conflicting order ids, and the data set's timeframe.
// The rules are sql/ltv's (docs/ltv-events.md), restated for one event at a time; property tests hold
// the two to the same answers. Applying an event twice changes nothing. No I/O, no DuckDB.
import { dollars, MAX_TOP, type CustomerLtv } from '../customer-ltv.js';
import { FingerprintSet, fingerprint } from './fingerprints.js';
import { compareText } from './text-order.js';
import { compareVersions, type Version } from './versions.js';

/** An accepted event, typed as the rules read it (int_events' columns). */
export interface StateEvent {
  id: string;
  type: string;
  verb: string;
  key: string;
  /** event_at, in UTC milliseconds. */
  at: number;
  /** The customer an ORDER, SITE_VISIT or IMAGE names; null for a CUSTOMER (its key is the customer). */
  customerId: string | null;
  /** A CUSTOMER's last_name. */
  lastName: string | null;
  /** An ORDER's total_amount, in cents. */
  amountCents: bigint | null;
}

interface Customer {
  id: string;
  /** The latest version of the CUSTOMER entity, if there is one. */
  version: Version | undefined;
  revenue: bigint;
  orders: number;
  visits: number;
  images: number;
  /** Whether it is in the cache of the highest revenues. */
  inTop: boolean;
}

interface Order {
  /** Its latest version (undefined only while it is being restored). */
  version: Version | undefined;
  /** The customers its NEW versions name: more than one (a set) is a conflict. */
  newCustomers: string | Set<string> | undefined;
}

/** Told whenever an order's counted version changes: the version it replaces (undefined for a new order) and the new one. */
export type OrderListener = (previous: Version | undefined, next: Version) => void;

export interface OrderConflict {
  order_id: string;
  customers: string[];
}

const DAY_MS = 86_400_000;
/** The cache of the highest revenues holds this many customers, so an answer of MAX_TOP rarely rebuilds it. */
const TOP_CACHE = MAX_TOP + 500;

/** Monday-to-Sunday UTC weeks touched from `first` to `last` (day d of the epoch is in week floor((d + 3) / 7)). */
export function weeksBetween(first: number, last: number): number {
  const week = (ms: number) => Math.floor((Math.floor(ms / DAY_MS) + 3) / 7);
  return week(last) - week(first) + 1;
}

/** x / y rounded half up, for x >= 0 and y > 0 (the SQL's (x * 2 + y) // (2 * y)). */
function roundedDivision(x: bigint, y: bigint): bigint {
  return (x * 2n + y) / (2n * y);
}

/** The state as a snapshot keeps it (state-snapshot.ts): plain arrays, and the fingerprint tables. */
export interface StateImage {
  first: number | null;
  last: number | null;
  customers: {
    ids: string[];
    versionAt: (number | null)[];
    isUpdate: boolean[];
    lastName: (string | null)[];
    revenue: string[];
    orders: number[];
    visits: number[];
    images: number[];
  };
  conflicts: [string, string[]][];
  /** Absent in a light image, which can answer but not take events (the command line's top X). */
  orders?: {
    ids: string[];
    at: number[];
    isUpdate: boolean[];
    amount: string[];
    customer: string[];
    newCustomers: (string | string[] | null)[];
  };
  eventIds?: { table: Uint32Array; size: number };
  visits?: { table: Uint32Array; size: number };
}

export class LtvState {
  eventIds = new FingerprintSet();
  #visits = new FingerprintSet();
  /** Made from a light image: answers, but takes no events. */
  #light = false;
  readonly #customers = new Map<string, Customer>();
  readonly #orders = new Map<string, Order>();
  readonly #conflicts = new Map<string, Set<string>>();
  #first = Number.POSITIVE_INFINITY;
  #last = Number.NEGATIVE_INFINITY;
  /** The listed customers with the highest revenues, in answer order; exactly the top #top.length, or stale. */
  #top: Customer[] = [];
  #topValid = false;
  /** Whether the cache holds every listed customer (fewer than it can hold). */
  #topComplete = false;
  readonly #onOrder: OrderListener | undefined;

  /** `onOrder`: for analytics that follow the counted orders (the customer value model's purchase days). */
  constructor(onOrder?: OrderListener) {
    this.#onOrder = onOrder;
  }

  /** Events applied (distinct event ids). */
  get events(): number {
    return this.eventIds.size;
  }

  /** Applies one accepted event; false when an event with its id was applied before (nothing changes). */
  apply(event: StateEvent): boolean {
    if (this.#light) throw new Error('a light state takes no events');
    if (!this.eventIds.add(fingerprint(event.id))) return false;
    if (event.at < this.#first) this.#first = event.at;
    if (event.at > this.#last) this.#last = event.at;
    if (event.type === 'CUSTOMER') this.#applyCustomer(event);
    else if (event.type === 'ORDER') this.#applyOrder(event);
    else if (event.type === 'SITE_VISIT') this.#applyFact(event, 'visits');
    else if (event.type === 'IMAGE') this.#applyFact(event, 'images');
    return true;
  }

  /**
   * Restoring the state from the compacted store (state-loader.ts), without replaying every event: the
   * ids, the latest versions, the facts and the timeframe as the SQL aggregated them.
   */
  readonly restore = {
    eventIds: (fingerprints: Uint8Array) => this.eventIds.addAll(fingerprints),
    timeframe: (first: number, last: number) => {
      this.#first = Math.min(this.#first, first);
      this.#last = Math.max(this.#last, last);
    },
    customer: (customerId: string, version: Version) =>
      this.#applyCustomer({
        key: customerId,
        at: version.at,
        verb: version.isUpdate ? 'UPDATE' : 'NEW',
        lastName: version.lastName,
      }),
    order: (orderId: string, version: Version, newCustomers: string[]) => {
      const order = this.#order(orderId);
      for (const customerId of newCustomers) this.#recordNew(orderId, order, customerId);
      this.#applyOrderVersion(order, version);
    },
    /** A customer's visits, as the fingerprints of its distinct visits (12 bytes each). */
    visits: (customerId: string, fingerprints: Uint8Array) => {
      const added = this.#visits.addAll(fingerprints);
      if (added > 0) this.#addFacts(customerId, 'visits', added);
    },
    images: (customerId: string, count: number) => this.#addFacts(customerId, 'images', count),
  };

  /** Everything the state holds, for a snapshot. */
  image(): StateImage {
    const customers = [...this.#customers.values()];
    const orders = [...this.#orders.entries()].filter(([, order]) => order.version !== undefined);
    return {
      first: Number.isFinite(this.#first) ? this.#first : null,
      last: Number.isFinite(this.#last) ? this.#last : null,
      customers: {
        ids: customers.map((c) => c.id),
        versionAt: customers.map((c) => c.version?.at ?? null),
        isUpdate: customers.map((c) => c.version?.isUpdate ?? false),
        lastName: customers.map((c) => c.version?.lastName ?? null),
        revenue: customers.map((c) => String(c.revenue)),
        orders: customers.map((c) => c.orders),
        visits: customers.map((c) => c.visits),
        images: customers.map((c) => c.images),
      },
      conflicts: [...this.#conflicts].map(([id, set]) => [id, [...set]]),
      orders: {
        ids: orders.map(([id]) => id),
        at: orders.map(([, o]) => o.version!.at),
        isUpdate: orders.map(([, o]) => o.version!.isUpdate),
        amount: orders.map(([, o]) => String(o.version!.amountCents)),
        customer: orders.map(([, o]) => o.version!.customerId!),
        newCustomers: orders.map(([, o]) =>
          o.newCustomers instanceof Set ? [...o.newCustomers] : (o.newCustomers ?? null),
        ),
      },
      eventIds: this.eventIds.raw,
      visits: this.#visits.raw,
    };
  }

  /** The state an image describes; a light image (without orders) gives a state that answers but takes no events. */
  static fromImage(image: StateImage, onOrder?: OrderListener): LtvState {
    const state = new LtvState(onOrder);
    if (image.first !== null && image.last !== null) state.restore.timeframe(image.first, image.last);
    const c = image.customers;
    for (const [i, id] of c.ids.entries()) {
      const at = c.versionAt[i]!;
      const version =
        at === null
          ? undefined
          : { at, isUpdate: c.isUpdate[i]!, amountCents: null, customerId: null, lastName: c.lastName[i]! };
      state.#customers.set(id, {
        id,
        version,
        revenue: BigInt(c.revenue[i]!),
        orders: c.orders[i]!,
        visits: c.visits[i]!,
        images: c.images[i]!,
        inTop: false,
      });
    }
    for (const [id, customers] of image.conflicts) state.#conflicts.set(id, new Set(customers));
    const o = image.orders;
    if (!o || !image.eventIds || !image.visits) {
      state.#light = true;
      return state;
    }
    for (const [i, id] of o.ids.entries()) {
      const version: Version = {
        at: o.at[i]!,
        isUpdate: o.isUpdate[i]!,
        amountCents: BigInt(o.amount[i]!),
        customerId: o.customer[i]!,
        lastName: null,
      };
      const news = o.newCustomers[i]!;
      state.#orders.set(id, {
        version,
        newCustomers: Array.isArray(news) ? (state.#conflicts.get(id) ?? new Set(news)) : (news ?? undefined),
      });
      onOrder?.(undefined, version);
    }
    state.eventIds = FingerprintSet.fromRaw(image.eventIds.table, image.eventIds.size);
    state.#visits = FingerprintSet.fromRaw(image.visits.table, image.visits.size);
    return state;
  }

  /** Whether an event with this id has been applied. */
  has(id: string): boolean {
    return this.eventIds.has(fingerprint(id));
  }

  /** The data set's timeframe, and its weeks; undefined while there is no event. */
  timeframe(): { first: number; last: number; weeks: number } | undefined {
    if (this.#first > this.#last) return undefined;
    return { first: this.#first, last: this.#last, weeks: weeksBetween(this.#first, this.#last) };
  }

  /** A customer's last name: its latest CUSTOMER version's (null without one). */
  lastName(customerId: string): string | null {
    return this.#customers.get(customerId)?.version?.lastName ?? null;
  }

  /** Every order id whose NEW versions name more than one customer, with those customers. */
  conflicts(orderIds?: Iterable<string>): OrderConflict[] {
    const ids = orderIds ? [...new Set(orderIds)].filter((id) => this.#conflicts.has(id)) : [...this.#conflicts.keys()];
    return ids.sort().map((id) => ({ order_id: id, customers: [...this.#conflicts.get(id)!].sort(compareText) }));
  }

  /** The `limit` customers with the highest lifetime value, highest first, equal values in customer_id order. */
  top(limit: number): CustomerLtv[] {
    const frame = this.timeframe();
    if (!frame) return [];
    const weeks = BigInt(frame.weeks);
    const ltvOf = (customer: Customer) => roundedDivision(customer.revenue * 520n, weeks);
    const ranked = this.#ranked();
    // The cache is in revenue order; the answer is in lifetime value order, which can only tie revenues
    // that differ (more than 520 weeks of data): take the whole group of the last value, then sort.
    let end = Math.min(limit, ranked.length);
    while (end < ranked.length && ltvOf(ranked[end]!) === ltvOf(ranked[end - 1]!)) end++;
    const chosen = ranked
      .slice(0, end)
      .map((customer) => ({ customer, ltv: ltvOf(customer) }))
      .sort((a, b) => (a.ltv === b.ltv ? compareText(a.customer.id, b.customer.id) : a.ltv > b.ltv ? -1 : 1))
      .slice(0, limit);
    return chosen.map(({ customer, ltv }) => ({
      customer_id: customer.id,
      last_name: customer.version?.lastName ?? null,
      ltv: dollars(ltv),
      revenue: dollars(customer.revenue),
      visits: customer.visits,
      revenue_per_visit:
        customer.visits > 0 ? dollars(roundedDivision(customer.revenue, BigInt(customer.visits))) : null,
      visits_per_week: Math.round((customer.visits / frame.weeks) * 1e4) / 1e4,
    }));
  }

  #customer(id: string): Customer {
    let customer = this.#customers.get(id);
    if (!customer) {
      customer = { id, version: undefined, revenue: 0n, orders: 0, visits: 0, images: 0, inTop: false };
      this.#customers.set(id, customer);
    }
    return customer;
  }

  #applyCustomer(event: Pick<StateEvent, 'key' | 'at' | 'verb' | 'lastName'>): void {
    const customer = this.#customer(event.key);
    const version: Version = {
      at: event.at,
      isUpdate: event.verb === 'UPDATE',
      amountCents: null,
      customerId: null,
      lastName: event.lastName,
    };
    if (customer.version && compareVersions(version, customer.version) <= 0) return;
    const wasListed = isListed(customer);
    customer.version = version;
    if (!wasListed) this.#changed(customer);
  }

  #applyOrder(event: Pick<StateEvent, 'key' | 'at' | 'verb' | 'customerId' | 'amountCents'>): void {
    const order = this.#order(event.key);
    if (event.verb === 'NEW') this.#recordNew(event.key, order, event.customerId!);
    this.#applyOrderVersion(order, {
      at: event.at,
      isUpdate: event.verb === 'UPDATE',
      amountCents: event.amountCents,
      customerId: event.customerId,
      lastName: null,
    });
  }

  #order(orderId: string): Order {
    let order = this.#orders.get(orderId);
    if (!order) {
      order = { version: undefined, newCustomers: undefined };
      this.#orders.set(orderId, order);
    }
    return order;
  }

  /** Makes `version` the order's latest if it is newer, moving its amount between customers. */
  #applyOrderVersion(order: Order, version: Version): void {
    if (order.version && compareVersions(version, order.version) <= 0) return;
    const previous = order.version;
    if (order.version) {
      const before = this.#customer(order.version.customerId!);
      before.revenue -= order.version.amountCents!;
      before.orders--;
      this.#changed(before);
    }
    order.version = version;
    const after = this.#customer(version.customerId!);
    after.revenue += version.amountCents!;
    after.orders++;
    this.#changed(after);
    this.#onOrder?.(previous, version);
  }

  #recordNew(orderId: string, order: Order, customerId: string): void {
    const seen = order.newCustomers;
    if (seen === undefined) {
      order.newCustomers = customerId;
      return;
    }
    if (typeof seen === 'string') {
      if (seen === customerId) return;
      order.newCustomers = new Set([seen, customerId]);
      this.#conflicts.set(orderId, order.newCustomers);
      return;
    }
    seen.add(customerId);
  }

  /** A SITE_VISIT or an IMAGE: a fact, counted once per customer, key and time. */
  #applyFact(event: StateEvent, count: 'visits' | 'images'): void {
    if (count === 'visits' && !this.#visits.add(visitFingerprint(event.customerId!, event.key, event.at))) return;
    this.#addFacts(event.customerId!, count, 1);
  }

  #addFacts(customerId: string, count: 'visits' | 'images', added: number): void {
    const customer = this.#customer(customerId);
    const wasListed = isListed(customer);
    customer[count] += added;
    if (!wasListed) this.#changed(customer);
  }

  /** Keeps the cache of the highest revenues exact after a customer's revenue or listing changed. */
  #changed(customer: Customer): void {
    if (!this.#topValid) return;
    const top = this.#top;
    // Every customer outside the cache ranks after its last one (or the cache holds every listed customer).
    if (customer.inTop) {
      top.splice(top.indexOf(customer), 1);
      customer.inTop = false;
    }
    if (isListed(customer)) {
      const last = top[top.length - 1];
      if (this.#topComplete || (last !== undefined && rankOrder(customer, last) < 0)) {
        top.splice(insertionPoint(top, customer), 0, customer);
        customer.inTop = true;
        if (top.length > TOP_CACHE) {
          top.pop()!.inTop = false;
          this.#topComplete = false;
        }
      }
    }
    // A cache that lost a customer is the exact top of fewer; too few to answer: rebuilt when next read.
    if (!this.#topComplete && top.length <= MAX_TOP) this.#topValid = false;
  }

  #ranked(): Customer[] {
    if (!this.#topValid) {
      for (const customer of this.#top) customer.inTop = false;
      const listed = [...this.#customers.values()].filter(isListed).sort(rankOrder);
      this.#top = listed.slice(0, TOP_CACHE);
      for (const customer of this.#top) customer.inTop = true;
      this.#topComplete = listed.length <= TOP_CACHE;
      this.#topValid = true;
    }
    return this.#top;
  }
}

/** A visit's identity: its customer, page and time, as sql/ltv/state/load_visits.sql writes it. */
export function visitFingerprint(customerId: string, key: string, at: number): Buffer {
  return fingerprint(`${customerId}\u001f${key}\u001f${at}`);
}

function isListed(customer: Customer): boolean {
  return customer.version !== undefined || customer.orders > 0 || customer.visits > 0 || customer.images > 0;
}

/** Revenue, highest first, then customer_id: the order of the cache. */
function rankOrder(a: Customer, b: Customer): number {
  if (a.revenue !== b.revenue) return a.revenue > b.revenue ? -1 : 1;
  return compareText(a.id, b.id);
}

function insertionPoint(list: Customer[], customer: Customer): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (rankOrder(list[middle]!, customer) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
