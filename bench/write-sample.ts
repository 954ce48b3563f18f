/** Writes samples/city.json: the S city, seed 1, one courier or order per line. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/package-root.js';
import { generateCity, type SnapshotJson } from '../src/sim/city.js';

export function formatSnapshotJson(json: SnapshotJson): string {
  const rows = (items: object[]) => items.map((item) => `    ${JSON.stringify(item)}`).join(',\n');
  return [
    '{',
    `  "city": ${JSON.stringify(json.city)},`,
    `  "params": ${JSON.stringify(json.params)},`,
    '  "couriers": [',
    rows(json.couriers),
    '  ],',
    '  "orders": [',
    rows(json.orders),
    '  ]',
    '}',
    '',
  ].join('\n');
}

const path = join(packageRoot(), 'samples', 'city.json');
const { json } = generateCity({ preset: 'S', seed: 1 });
writeFileSync(path, formatSnapshotJson(json));
console.log(`wrote ${path}: ${json.couriers.length} couriers, ${json.orders.length} orders`);
