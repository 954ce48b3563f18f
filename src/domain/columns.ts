/**
 * Typed-array columns laid end to end in one ArrayBuffer: the form in which problems and
 * solutions cross a thread boundary. One buffer is one transfer, and moving it costs
 * nothing however many couriers and orders it holds (no per-object cloning).
 */

export type ColumnType = 'f64' | 'i32';

/** Column name → its element type and length, in layout order. */
export type ColumnSpecs = Record<string, readonly [type: ColumnType, length: number]>;

export type Columns<S extends ColumnSpecs> = {
  [K in keyof S]: S[K][0] extends 'f64' ? Float64Array : Int32Array;
};

const BYTES: Record<ColumnType, number> = { f64: 8, i32: 4 };
// Every column starts on an 8-byte boundary, so a Float64Array view can be made on any.
const ALIGN = 8;

interface Layout {
  offsets: number[];
  byteLength: number;
}

function layout(specs: ColumnSpecs): Layout {
  const offsets: number[] = [];
  let end = 0;
  for (const [type, length] of Object.values(specs)) {
    offsets.push(end);
    end += Math.ceil((length * BYTES[type]) / ALIGN) * ALIGN;
  }
  return { offsets, byteLength: end };
}

function view(buffer: ArrayBuffer, type: ColumnType, offset: number, length: number): Float64Array | Int32Array {
  return type === 'f64' ? new Float64Array(buffer, offset, length) : new Int32Array(buffer, offset, length);
}

/** A fresh buffer holding a copy of each column; lengths must be those of `specs`. */
export function packColumns<S extends ColumnSpecs>(specs: S, columns: Columns<S>): ArrayBuffer {
  const { offsets, byteLength } = layout(specs);
  const buffer = new ArrayBuffer(byteLength);
  Object.entries(specs).forEach(([name, [type, length]], i) => {
    const column: Float64Array | Int32Array = columns[name];
    if (column.length !== length) throw new Error(`column ${name} has ${column.length} values, not ${length}`);
    view(buffer, type, offsets[i], length).set(column);
  });
  return buffer;
}

/** Views on the columns of a buffer made by packColumns with the same specs; nothing is copied. */
export function viewColumns<S extends ColumnSpecs>(buffer: ArrayBuffer, specs: S): Columns<S> {
  const { offsets, byteLength } = layout(specs);
  if (buffer.byteLength !== byteLength) {
    throw new Error(`packed columns take ${byteLength} bytes, the buffer has ${buffer.byteLength}`);
  }
  const columns: Record<string, Float64Array | Int32Array> = {};
  Object.entries(specs).forEach(([name, [type, length]], i) => {
    columns[name] = view(buffer, type, offsets[i], length);
  });
  return columns as Columns<S>;
}
