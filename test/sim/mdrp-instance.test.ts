/**
 * The MDRP instance reader: the vendored Grubhub instances read with the right counts and
 * parameters, and every kind of malformed file is rejected with an MdrpInputError on one line
 * naming file:line.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { MdrpInputError, readMdrpInstance, travelMin } from '../../src/sim/mdrp/instance.js';

const fixtures = join(packageRoot(), 'test', 'fixtures', 'mdrp');

describe('readMdrpInstance on the vendored instances', () => {
  it.each([
    // name, restaurants, orders, couriers, meters per minute (counts: lines − header)
    ['0r50t100s1p100', 54, 242, 61, 320],
    ['2r50t75s1p125', 75, 347, 102, 427],
    ['2r50t75s2p125', 75, 347, 108, 427],
  ])('%s', (name, restaurants, orders, couriers, metersPerMinute) => {
    const instance = readMdrpInstance(join(fixtures, name));
    expect(instance.name).toBe(name);
    expect(instance.restaurants.size).toBe(restaurants);
    expect(instance.orders).toHaveLength(orders);
    expect(instance.couriers).toHaveLength(couriers);
    expect(instance.parameters).toEqual({
      metersPerMinute,
      pickupServiceMin: 4,
      dropoffServiceMin: 4,
      targetClickToDoorMin: 40,
      maxClickToDoorMin: 90,
      payPerOrder: 10,
      guaranteedPayPerHour: 15,
    });
  });

  it('keeps the first records field by field', () => {
    const instance = readMdrpInstance(join(fixtures, '0r50t100s1p100'));
    expect(instance.restaurants.get('r1')).toEqual({ id: 'r1', x: 8035, y: 7936 });
    expect(instance.orders[0]).toEqual({ id: 'o1', x: 3742, y: 5638, placementMin: 13, restaurant: 'r1', readyMin: 28 });
    expect(instance.couriers[0]).toEqual({ id: 'c1', x: 7209, y: 186, onMin: 0, offMin: 90 });
  });

  it('reads the hand-made tiny instance', () => {
    const instance = readMdrpInstance(join(fixtures, 'tiny'));
    expect(instance.orders.map((o) => o.id)).toEqual(['o1', 'o2', 'o3', 'o4']);
    expect(instance.couriers).toEqual([
      { id: 'c1', x: 0, y: 300, onMin: 0, offMin: 60 },
      { id: 'c2', x: 1000, y: 500, onMin: 10, offMin: 40 },
    ]);
    expect(instance.parameters.metersPerMinute).toBe(100);
  });
});

describe('travelMin', () => {
  const p = readMdrpInstance(join(fixtures, 'tiny')).parameters; // 100 m/min
  it('is the euclidean distance over meters_per_minute, rounded up', () => {
    expect(travelMin(p, 0, 0, 300, 400)).toBe(5);
    expect(travelMin(p, 0, 0, 300, 401)).toBe(6);
    expect(travelMin(p, 7, 7, 7, 7)).toBe(0);
    expect(travelMin({ ...p, metersPerMinute: 99 }, 0, 0, 300, 400)).toBe(6);
  });
});

describe('readMdrpInstance rejects malformed input', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A copy of the tiny instance with `file` rewritten by `edit`. */
  function tinyWith(file: string, edit: (text: string) => string): string {
    dir = mkdtempSync(join(tmpdir(), 'mdrp-instance-'));
    cpSync(join(fixtures, 'tiny'), dir, { recursive: true });
    const path = join(dir, file);
    writeFileSync(path, edit(readFileSync(path, 'utf8')));
    return dir;
  }

  /** Replaces field `field` (0-based) of line `line` (1-based, the header is 1). */
  const setField = (line: number, field: number, value: string) => (text: string) =>
    text
      .split('\n')
      .map((l, i) =>
        i + 1 === line
          ? l
              .split('\t')
              .map((f, j) => (j === field ? value : f))
              .join('\t')
          : l,
      )
      .join('\n');
  const replaceLine = (line: number, value: string) => (text: string) =>
    text
      .split('\n')
      .map((l, i) => (i + 1 === line ? value : l))
      .join('\n');

  function errorOf(action: () => unknown): MdrpInputError {
    try {
      action();
    } catch (error) {
      expect(error).toBeInstanceOf(MdrpInputError);
      return error as MdrpInputError;
    }
    throw new Error('expected an MdrpInputError, nothing was thrown');
  }

  it.each([
    ['a wrong header', 'restaurants.txt', setField(1, 0, 'id'), 1, /header "id\\tx\\ty", expected "restaurant\\tx\\ty"/],
    ['an empty file', 'couriers.txt', () => '', 1, /empty file/],
    ['a missing field', 'orders.txt', setField(3, 5, ''), 3, /field 6 is empty/],
    ['too few fields', 'orders.txt', replaceLine(3, 'o2\t300\t400\t6\tr1'), 3, /5 tab-separated fields, expected 6/],
    ['spaces instead of tabs', 'couriers.txt', replaceLine(2, 'c1 0 300 0 60'), 2, /1 tab-separated fields, expected 5/],
    ['a blank line', 'orders.txt', replaceLine(3, ''), 3, /empty line/],
    ['a non-numeric ready time', 'orders.txt', setField(3, 5, 'x'), 3, /ready_time "x" is not a number/],
    ['a non-numeric coordinate', 'restaurants.txt', setField(2, 2, '1e'), 2, /y "1e" is not a number/],
    ['a fractional placement time', 'orders.txt', setField(2, 3, '5.5'), 2, /placement_time "5.5" is not a whole number of minutes/],
    ['a duplicate restaurant', 'restaurants.txt', setField(3, 0, 'r1'), 3, /duplicate restaurant "r1"/],
    ['a duplicate order', 'orders.txt', setField(3, 0, 'o1'), 3, /duplicate order "o1"/],
    ['a duplicate courier', 'couriers.txt', setField(3, 0, 'c1'), 3, /duplicate courier "c1"/],
    ['an unknown restaurant', 'orders.txt', setField(4, 4, 'r9'), 4, /unknown restaurant "r9"/],
    ['ready before placement', 'orders.txt', setField(2, 5, '4'), 2, /ready_time 4 is before placement_time 5/],
    ['off before on', 'couriers.txt', setField(3, 4, '5'), 3, /off_time 5 is before on_time 10/],
    ['an order named like a restaurant', 'orders.txt', setField(5, 0, 'r1'), 5, /order "r1" has a restaurant's id/],
    ['an order named 0', 'orders.txt', setField(2, 0, '0'), 2, /order id "0" is reserved/],
    ['an id with a blank', 'couriers.txt', setField(2, 0, 'c 1'), 2, /courier id "c 1" contains a blank/],
    ['zero meters per minute', 'instance_parameters.txt', setField(2, 0, '0'), 2, /meters_per_minute 0 is not positive/],
    ['a fractional service time', 'instance_parameters.txt', setField(2, 1, '4.5'), 2, /pickup service minutes "4.5" is not a whole number/],
    ['a negative pay', 'instance_parameters.txt', setField(2, 5, '-1'), 2, /pay per order -1 is negative/],
  ])('%s', (_, file, edit, line, says) => {
    const tiny = tinyWith(file, edit);
    const error = errorOf(() => readMdrpInstance(tiny));
    expect(error.message.startsWith(`${join(tiny, file)}:${line}: `)).toBe(true);
    expect(error.message).toMatch(says);
    expect(error.message).not.toContain('\n');
    expect(error.line).toBe(line);
  });

  it('two parameter lines', () => {
    const tiny = tinyWith('instance_parameters.txt', (text) => text + '100\t4\t4\t40\t90\t10\t15\n');
    expect(errorOf(() => readMdrpInstance(tiny)).message).toBe(`${join(tiny, 'instance_parameters.txt')}: 2 parameter lines, expected exactly 1`);
  });

  it('a missing file', () => {
    const tiny = tinyWith('couriers.txt', (text) => text);
    unlinkSync(join(tiny, 'couriers.txt'));
    expect(errorOf(() => readMdrpInstance(tiny)).message).toBe(`${join(tiny, 'couriers.txt')}: file missing`);
  });

  it('a missing folder', () => {
    const missing = join(tmpdir(), 'mdrp-no-such-instance');
    expect(errorOf(() => readMdrpInstance(missing)).message).toBe(`${missing}: instance folder missing`);
  });

  it('accepts a file without its last newline, and CRLF line ends', () => {
    const tiny = tinyWith('orders.txt', (text) => text.trimEnd().replaceAll('\n', '\r\n'));
    expect(readMdrpInstance(tiny).orders.map((o) => o.readyMin)).toEqual([15, 16, 20, 80]);
  });
});
