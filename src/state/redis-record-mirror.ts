/**
 * A host's mirror of one city's courier and order records (read_snapshot.lua): every write of a
 * record is logged with the city's next revision (lua/include/change_log.lua), so a read fetches
 * only the records written since the revision the mirror holds, and the decoded records are
 * kept, instead of fetching and decoding 52,000 records at every tick of an XL city. What a read
 * leaves in the mirror is what a whole read would (test/state/redis-record-mirror.servers.test.ts);
 * another epoch (a restart, a failover, the keys lost) or a trimmed log reads whole.
 */
import type { CourierState, OrderState } from './city-state-store.js';
import { decodeCourier, decodeOrder } from './redis-records.js';

/** read_snapshot.lua's reply. */
export type SnapshotReply = [
  now: string,
  version: string,
  epoch: string,
  revision: string,
  couriers: (string | null)[],
  orders: (string | null)[],
  offeredCouriers: string[],
  offeredOrders: string[],
  estimates?: string | null,
  estimatesTtl?: number | null,
];

export class RecordMirror {
  private epoch = '';
  private revision = 0;
  readonly couriers = new Map<string, CourierState>();
  readonly orders = new Map<string, OrderState>();

  /** ARGV[1..2] of read_snapshot.lua. */
  args(): [epoch: string, revision: number] {
    return [this.epoch, this.revision];
  }

  /** Takes the reply to args(): the records as of the reply's revision. */
  apply(reply: SnapshotReply): void {
    const [, , epoch, revision, couriers, orders] = reply;
    // A reply that fails to decode half-way leaves a mirror that reads whole next time.
    this.epoch = '';
    applyPart(this.couriers, couriers, decodeCourier);
    applyPart(this.orders, orders, decodeOrder);
    this.epoch = epoch;
    this.revision = Number(revision);
  }
}

function applyPart<T>(held: Map<string, T>, part: (string | null)[], decode: (record: string) => T & { id: string }): void {
  if (part[0] === 'full') {
    held.clear();
    for (let i = 1; i < part.length; i++) {
      const record = decode(part[i]!);
      held.set(record.id, record);
    }
    return;
  }
  for (let i = 1; i < part.length; i += 2) {
    const record = part[i + 1];
    if (record === null) held.delete(part[i]!);
    else held.set(part[i]!, decode(record));
  }
}
