import { randomUUID } from 'node:crypto';

/**
 * Who holds a lease: a host id (stable across restarts, e.g. the machine name) plus a per-boot
 * id, so two processes started with the same host id never share a lease.
 */
export interface Holder {
  hostId: string;
  bootId: string;
}

const HOLDER_PART = /^[A-Za-z0-9_.:-]{1,64}$/;

export function assertHolder(holder: Holder): void {
  for (const [name, value] of [
    ['hostId', holder?.hostId],
    ['bootId', holder?.bootId],
  ] as const) {
    if (typeof value !== 'string' || !HOLDER_PART.test(value)) {
      throw new TypeError(`holder ${name} must be 1-64 characters of A-Z a-z 0-9 _ . : -, got ${JSON.stringify(value)}`);
    }
  }
}

/** A holder for this process: the given host id and a fresh boot id. */
export function newHolder(hostId: string): Holder {
  const holder = { hostId, bootId: randomUUID() };
  assertHolder(holder);
  return holder;
}

/** How a holder is named in decisions and logs: `host/boot`. */
export function holderName(holder: Holder): string {
  return `${holder.hostId}/${holder.bootId}`;
}

export function sameHolder(a: Holder | null, b: Holder | null): boolean {
  return a !== null && b !== null && a.hostId === b.hostId && a.bootId === b.bootId;
}
