/**
 * The fleet model on its own (src/sim/fleet.ts), on the tiny MDRP fixture: shifts, answers to
 * offers, trips by the MDRP rules, and where a courier is along its trip.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Fleet, type FleetEvent } from '../../src/sim/fleet.js';
import { readMdrpInstance } from '../../src/sim/mdrp/instance.js';

const tiny = () => readMdrpInstance(fileURLToPath(new URL('../fixtures/mdrp/tiny', import.meta.url)));
const kinds = (events: Iterable<FleetEvent>) => [...events].map((e) => `${e.kind}:${e.kind === 'place' ? e.order.id : 'courier' in e ? e.courier.def.id : ''}`);

describe('the fleet', () => {
  it('places orders and starts and ends shifts at their minutes', () => {
    const fleet = new Fleet(tiny());
    expect(kinds(fleet.due(5))).toEqual(['on:c1', 'place:o1']);
    expect(fleet.couriers.get('c1')!.onDuty).toBe(true);
    expect(kinds(fleet.due(40))).toEqual(['place:o2', 'on:c2', 'place:o3', 'off:c2']);
    expect(fleet.couriers.get('c2')!.onDuty).toBe(false);
  });

  it('carries out a pickup by the MDRP rules, never diverted, and moves along it', () => {
    const fleet = new Fleet(tiny());
    Array.from(fleet.due(6)); // drained: what is due before the offer
    fleet.offer({ pickup: 'p1.1', courier: 'c1', orders: ['o1', 'o2'] }, 6);
    const [answer] = [...fleet.due(6)];
    expect(answer).toMatchObject({ kind: 'answer', accept: true });
    const trip = fleet.startTrip('c1', 'p1.1', ['o1', 'o2'], 6);
    // 300 m to the restaurant at 100 m/min: there at 9; food ready at 16; 2-minute service halves.
    expect(trip.plan).toMatchObject({ arrivalMin: 9, pickupMin: 16, departureMin: 18 });
    const c1 = fleet.couriers.get('c1')!;
    expect(fleet.positionAt(c1, 7.5)).toEqual({ x: 0, y: 150 });
    expect(fleet.positionAt(c1, 12)).toEqual({ x: 0, y: 0 });
    expect(() => fleet.startTrip('c1', 'p2.1', ['o3'], 7)).toThrow(/diverted/);
    // An offer while on the trip is declined at once.
    fleet.offer({ pickup: 'p2.1', courier: 'c1', orders: ['o3'] }, 7);
    expect([...fleet.due(7)]).toMatchObject([{ kind: 'answer', accept: false }]);
    const rest = [...fleet.due(trip.plan.freeMin)];
    expect(rest.map((e) => e.kind)).toEqual(['on', 'place', 'picked_up', 'delivered', 'delivered']);
    expect(rest.find((e) => e.kind === 'picked_up')).toMatchObject({ trip: { pickup: 'p1.1' } });
    expect(c1.trip).toBeNull();
    expect(fleet.positionAt(c1, trip.plan.freeMin)).toEqual({ x: 300, y: 400 });
  });

  it('answers after its answer time, declines and ignores at its rates, and declines at once a pickup it could not make before its off time', () => {
    const instance = tiny();
    const fleet = new Fleet(instance, { declineRate: 0.3, ignoreRate: 0.3, answerMin: [1, 2], seed: 3 });
    Array.from(fleet.due(12)); // drained: what is due before the offer
    const answers = { accept: 0, decline: 0, ignore: 0 };
    for (let i = 0; i < 300; i++) {
      fleet.offer({ pickup: `p${i + 1}.1`, courier: 'c2', orders: ['o3'] }, 12);
      expect([...fleet.due(12.99)]).toEqual([]);
      const events = [...fleet.due(14)];
      if (events.length === 0) answers.ignore++;
      else answers[(events[0] as { accept: boolean }).accept ? 'accept' : 'decline']++;
    }
    for (const n of Object.values(answers)) expect(n).toBeGreaterThan(60);
    const accepting = new Fleet(instance, { declineRate: 0, ignoreRate: 0, answerMin: [5, 5], seed: 1 });
    Array.from(accepting.due(38)); // drained: what is due before the offer
    // c2 goes off at 40: o3 cannot be picked up by then, so it says no now rather than after its answer time.
    accepting.offer({ pickup: 'p1.1', courier: 'c2', orders: ['o3'] }, 38);
    expect([...accepting.due(43)]).toMatchObject([{ kind: 'answer', accept: false }, { kind: 'off' }]);
  });
});
