import { describe, expect, it } from 'vitest';
import { CourierEventFeed } from '../../src/http/feature-feed.js';
import type { CourierUpdate } from '../../src/state/city-state-store.js';

const MIN = 60_000;
const at = (id: string, status: CourierUpdate['status'] = 'free'): CourierUpdate => ({ id, lat: 41.39, lng: 2.17, speedMps: 4, status });

describe('CourierEventFeed', () => {
  const clock = () => {
    let now = 1_790_000_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };
  const types = (feed: CourierEventFeed, city: string, couriers: CourierUpdate[]) =>
    feed.events(city, couriers).map((e) => `${e.type}:${'courier' in e ? e.courier : ''}`);

  it('feeds a position only once the last one it fed is a sample interval old', () => {
    const time = clock();
    const feed = new CourierEventFeed(MIN, time.now);
    expect(types(feed, 'bcn', [at('c1'), at('c2')])).toEqual(['courier_position:c1', 'courier_position:c2']);
    time.advance(5_000);
    expect(types(feed, 'bcn', [at('c1'), at('c2')])).toEqual([]);
    time.advance(MIN - 5_000);
    expect(types(feed, 'bcn', [at('c1')])).toEqual(['courier_position:c1']);
    // c2 was last fed a whole interval ago, across a generation: it goes; c1 was just fed.
    time.advance(10_000);
    expect(types(feed, 'bcn', [at('c1'), at('c2')])).toEqual(['courier_position:c2']);
  });

  it('keeps cities apart, and always feeds going offline and the position after it', () => {
    const time = clock();
    const feed = new CourierEventFeed(MIN, time.now);
    types(feed, 'bcn', [at('c1')]);
    expect(types(feed, 'mad', [at('c1')])).toEqual(['courier_position:c1']);
    time.advance(1_000);
    expect(types(feed, 'bcn', [at('c1', 'offline')])).toEqual(['courier_status:c1']);
    expect(types(feed, 'bcn', [at('c1')])).toEqual(['courier_position:c1']);
    expect(types(feed, 'mad', [at('c1')])).toEqual([]);
  });

  it('within the clocks’ slack feeds the position but keeps the anchor, so the next one goes too', () => {
    const time = clock();
    const feed = new CourierEventFeed(MIN, time.now);
    types(feed, 'bcn', [at('c1')]);
    time.advance(MIN - 500);
    expect(types(feed, 'bcn', [at('c1')])).toEqual(['courier_position:c1']);
    time.advance(1_000);
    expect(types(feed, 'bcn', [at('c1')])).toEqual(['courier_position:c1']);
    time.advance(1_000);
    expect(types(feed, 'bcn', [at('c1')])).toEqual([]);
  });
});
