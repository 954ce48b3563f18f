import { describe, expect, it } from 'vitest';
import { checkDecisionLog, formatViolations, type AcknowledgedEvent, type CheckInput } from '../../tools/cluster/log-checker.js';
import type { CommittedDecision } from '../../src/state/decision.js';

const T0 = 1_700_000_000_000;
const TTL = 2_000;

function d(version: number, token: number, at: number, pairs: [string, string][], holder = `h${token}`, city = 'bcn'): CommittedDecision {
  return {
    city,
    version,
    token,
    holder,
    committedAt: T0 + at,
    assignments: pairs.map(([order, courier]) => ({ order, courier })),
    objective: null,
    certificate: 'none',
  };
}

function ev(kind: AcknowledgedEvent['kind'], order: string, sentAt: number, courier?: string, city = 'bcn'): AcknowledgedEvent {
  return { city, order, courier, kind, sentAt: T0 + sentAt, ackAt: T0 + sentAt + 5 };
}

/** A healthy history: two holders, a hand-over, offers answered, lapsed and re-offered. */
function goodLog(): CheckInput {
  return {
    offerTtlMs: TTL,
    decisions: [
      d(1, 1, 0, [
        ['o1', 'c1'],
        ['o2', 'c2'],
      ]),
      d(2, 1, 500, [['o3', 'c3']]),
      // o1 declined by c1 at 600: it may go to c4 at once; o2 lapsed at 2000 and goes to c1.
      d(3, 1, 1_000, [['o1', 'c4']]),
      d(4, 3, 2_000, [['o2', 'c1']], 'h3'),
      // c3 accepted o3 and delivered it at 2_500: free again.
      d(5, 3, 2_600, [['o5', 'c3']], 'h3'),
    ],
    events: [ev('decline', 'o1', 600, 'c1'), ev('accept', 'o3', 700, 'c3'), ev('picked_up', 'o3', 1_500), ev('delivered', 'o3', 2_500)],
    acknowledged: [{ city: 'bcn', version: 2, token: 1, ackAt: T0 + 510 }],
    liveness: { cities: ['bcn'], from: T0, to: T0 + 3_000, boundMs: 1_500 },
  };
}

const kinds = (input: CheckInput) => checkDecisionLog(input).violations.map((v) => v.kind);

describe('checkDecisionLog', () => {
  it('passes a healthy log and counts what it checked', () => {
    const report = checkDecisionLog(goodLog());
    expect(formatViolations(report.violations)).toBe('');
    expect(report).toMatchObject({ decisions: 5, cities: 1, offers: 6 });
    expect(report.longestSilenceMs.bcn).toBe(1_000);
  });

  it('merges identical copies from the table and the stream', () => {
    const input = goodLog();
    expect(kinds({ ...input, decisions: [...input.decisions, ...input.decisions.map((x) => ({ ...x }))] })).toEqual([]);
  });

  it('fails copies of one version that disagree', () => {
    const input = goodLog();
    expect(kinds({ ...input, decisions: [...input.decisions, { ...input.decisions[1], token: 2, holder: 'h2' }] })).toContain('conflicting_copies');
  });

  it('fails a gap in the versions', () => {
    const input = goodLog();
    expect(kinds({ ...input, decisions: input.decisions.filter((x) => x.version !== 3) })).toEqual(['version_gap']);
  });

  it('fails a log that does not start at version 1', () => {
    const input = goodLog();
    expect(kinds({ ...input, decisions: input.decisions.filter((x) => x.version !== 1) })).toContain('version_gap');
  });

  it('fails a decreasing token', () => {
    const input = goodLog();
    const decisions = input.decisions.map((x) => (x.version === 5 ? { ...x, token: 1, holder: 'h1' } : x));
    expect(kinds({ ...input, decisions })).toEqual(['token_decreased']);
  });

  it('fails one token used by two holders', () => {
    const input = goodLog();
    const decisions = input.decisions.map((x) => (x.version === 3 ? { ...x, holder: 'intruder' } : x));
    expect(kinds({ ...input, decisions })).toEqual(['token_shared']);
  });

  it('fails an order offered again while its first offer was live', () => {
    const input = goodLog();
    // o2's offer to c2 (version 1) lives until 2_000; offering it to c9 at 1_500 overlaps.
    const decisions = [...input.decisions.slice(0, 3), d(4, 3, 1_500, [['o2', 'c9']], 'h3'), d(5, 3, 2_600, [['o5', 'c3']], 'h3')];
    expect(kinds({ ...input, decisions })).toEqual(['order_offered_twice']);
  });

  it('fails an accepted order offered again before it was delivered', () => {
    const input = goodLog();
    const decisions = [...input.decisions.slice(0, 4), d(5, 3, 2_400, [['o3', 'c9']], 'h3')];
    expect(kinds({ ...input, decisions })).toEqual(['order_offered_twice']);
  });

  it('fails a courier holding two live offers', () => {
    const input = goodLog();
    // c2 still holds o2 (lapses at 2_000) when it is offered o7 at 1_200.
    const decisions = [
      ...input.decisions.slice(0, 3),
      d(
        4,
        3,
        2_000,
        [
          ['o2', 'c1'],
          ['o7', 'c2'],
        ],
        'h3',
      ),
      d(5, 3, 2_600, [['o5', 'c3']], 'h3'),
    ];
    expect(kinds({ ...input, decisions })).toEqual([]);
    const bad = [...input.decisions.slice(0, 3), d(4, 3, 1_200, [['o7', 'c2']], 'h3'), d(5, 3, 2_600, [['o5', 'c3']], 'h3')];
    expect(kinds({ ...input, decisions: bad })).toEqual(['courier_two_offers']);
  });

  it('fails a courier offered an order while carrying an accepted one', () => {
    const input = goodLog();
    const events = input.events!.filter((e) => e.kind !== 'delivered');
    expect(kinds({ ...input, events })).toEqual(['courier_two_offers']);
  });

  it('counts the orders of one pickup as one offer, holding the courier until the last is delivered', () => {
    const input = goodLog();
    // Version 6 gives c2 a two-order pickup (o6, o7); c2 accepts it through o7 and delivers o6 at 3_000, o7 at 3_400.
    const pickup = d(
      6,
      3,
      2_700,
      [
        ['o6', 'c2'],
        ['o7', 'c2'],
      ],
      'h3',
    );
    const events = [...input.events!, ev('accept', 'o7', 2_750, 'c2'), ev('delivered', 'o6', 3_000), ev('delivered', 'o7', 3_400)];
    const report = checkDecisionLog({ ...input, decisions: [...input.decisions, pickup], events });
    expect(formatViolations(report.violations)).toBe('');
    expect(report.offers).toBe(8);
    // c2 is still carrying o7 at 3_200: a new offer then is a second one; at 3_500 it is free.
    expect(kinds({ ...input, decisions: [...input.decisions, pickup, d(7, 3, 3_200, [['o8', 'c2']], 'h3')], events })).toEqual(['courier_two_offers']);
    expect(kinds({ ...input, decisions: [...input.decisions, pickup, d(7, 3, 3_500, [['o8', 'c2']], 'h3')], events })).toEqual([]);
    // The accept through o7 accepted o6 too: offering o6 elsewhere before its delivery is a double offer.
    expect(kinds({ ...input, decisions: [...input.decisions, pickup, d(7, 3, 2_900, [['o6', 'c5']], 'h3')], events })).toEqual(['order_offered_twice']);
  });

  it('counts an answer from when it was sent, so a re-offer before the decline was sent fails', () => {
    const input = goodLog();
    const events = input.events!.map((e) => (e.kind === 'decline' ? { ...e, sentAt: T0 + 1_050, ackAt: T0 + 1_060 } : e));
    expect(kinds({ ...input, events })).toEqual(['order_offered_twice']);
  });

  it('ends every offer when the state store lost its data', () => {
    const input = goodLog();
    const decisions = [...input.decisions.slice(0, 3), d(4, 3, 1_500, [['o2', 'c9']], 'h3'), d(5, 3, 2_600, [['o5', 'c3']], 'h3')];
    expect(kinds({ ...input, decisions, stateLostAt: [T0 + 1_400] })).toEqual([]);
  });

  it('fails an acknowledged decision missing from the log, or logged with another token', () => {
    const input = goodLog();
    expect(kinds({ ...input, acknowledged: [{ city: 'bcn', version: 6, token: 3, ackAt: T0 + 2_900 }] })).toEqual(['acknowledged_missing']);
    expect(kinds({ ...input, acknowledged: [{ city: 'bcn', version: 5, token: 2, ackAt: T0 + 2_900 }] })).toEqual(['acknowledged_missing']);
  });

  it('leaves out what was acknowledged after the log was read: it may be missing from the read, not lost', () => {
    const input = goodLog();
    const late = { acknowledged: [{ city: 'bcn', version: 6, token: 3, ackAt: T0 + 2_900 }], events: [...input.events!, ev('accept', 'o2', 2_100, 'c7')] };
    expect(kinds({ ...input, ...late, logReadAt: T0 + 2_000 })).toEqual([]);
    expect(kinds({ ...input, ...late, logReadAt: T0 + 3_000 })).toEqual(['acknowledged_missing', 'accept_without_offer']);
  });

  it('fails an acknowledged accept that no logged decision offered', () => {
    const input = goodLog();
    expect(kinds({ ...input, events: [...input.events!, ev('accept', 'o2', 2_100, 'c7')] })).toEqual(['accept_without_offer']);
  });

  it('fails an order offered after its cancellation or delivery was acknowledged', () => {
    const input = goodLog();
    // o5 cancelled at 2_650 (acknowledged at 2_655), then offered again at 2_900.
    const events = [...input.events!, ev('cancel', 'o5', 2_650)];
    expect(kinds({ ...input, events })).toEqual([]);
    const reoffered = { ...input, events, decisions: [...input.decisions, d(6, 3, 2_900, [['o5', 'c2']], 'h3')] };
    expect(kinds(reoffered)).toEqual(['offered_after_end']);
    // o3 was delivered at 2_500: offering it at 2_950 is a violation too.
    expect(kinds({ ...input, decisions: [...input.decisions, d(6, 3, 2_950, [['o3', 'c2']], 'h3')] })).toEqual(['offered_after_end']);
  });

  it('fails a city silent longer than the bound, unless inside an excused window', () => {
    const input = goodLog();
    const silent = { ...input, liveness: { ...input.liveness!, to: T0 + 4_200 } };
    const report = checkDecisionLog(silent);
    expect(report.violations.map((v) => v.kind)).toEqual(['city_silent']);
    expect(report.violations[0].message).toMatch(/1600 ms/);
    expect(kinds({ ...silent, liveness: { ...silent.liveness, excused: [{ from: T0 + 2_700, to: T0 + 3_500 }] } })).toEqual([]);
    // A city with no decision at all is silent for the whole window.
    expect(kinds({ ...input, liveness: { ...input.liveness!, cities: ['bcn', 'mad'] } })).toEqual(['city_silent']);
  });
});
