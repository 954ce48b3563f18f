import type { LeaseStore } from '../../../src/coordination/lease-store.js';
import { MemoryLeaseStore } from '../../../src/coordination/memory-lease-store.js';
import { MysqlLeaseStore } from '../../../src/coordination/mysql-lease-store.js';
import { onServers } from '../../support/servers.js';
import { createTestDatabase } from './mysql.js';

export interface LeaseFixture {
  store: LeaseStore;
  close(): Promise<void>;
}

/** Both implementations, each on fresh state (the MySQL one, when the run has the servers, in a database of its own). */
export const LEASE_STORES: { name: string; create(): Promise<LeaseFixture> }[] = [
  { name: 'memory', create: async () => ({ store: new MemoryLeaseStore(), close: async () => {} }) },
  ...onServers({
    name: 'mysql',
    async create() {
      const db = await createTestDatabase();
      return { store: new MysqlLeaseStore(db.pool), close: () => db.drop() };
    },
  }),
];
