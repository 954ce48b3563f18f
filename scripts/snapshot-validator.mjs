#!/usr/bin/env node
/**
 * Generates the snapshot validator at build time (after tsc): Ajv's standalone code for
 * SnapshotSchema, written to SNAPSHOT_VALIDATOR_PATH (dist/), so that no dispatchd process
 * loads Ajv or TypeBox or compiles the schema to read a snapshot (src/domain/snapshot.ts).
 * verbose: errors carry the failing schema, from which the message is worded (schema-rules.ts).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'domain');
const { SnapshotSchema } = await import(pathToFileURL(join(dist, 'snapshot-schema.js')).href);
const { SNAPSHOT_VALIDATOR_PATH } = await import(pathToFileURL(join(dist, 'snapshot.js')).href);

const ajv = new Ajv({ allErrors: false, verbose: true, code: { source: true } });
writeFileSync(SNAPSHOT_VALIDATOR_PATH, standaloneCode(ajv, ajv.compile(SnapshotSchema)));
