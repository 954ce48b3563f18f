// A bump arena over linear memory. Each solve resets it and sizes its buffers once;
// the memory itself is kept between solves so a warm module never grows again.

let arenaTop: usize = 0;

export function arenaReset(): void {
  arenaTop = (__heap_base + 15) & ~(<usize>15);
}

/** Current top: the candidate buffer grows in place from here during edge building. */
export function arenaMark(): usize {
  return arenaTop;
}

export function arenaAlloc(bytes: usize): usize {
  const ptr = arenaTop;
  arenaTop = (ptr + bytes + 15) & ~(<usize>15);
  ensureMemory(arenaTop);
  return ptr;
}

/** Grows linear memory so that [0, end) is addressable; traps when wasm32 runs out. */
export function ensureMemory(end: usize): void {
  const have = (<usize>memory.size()) << 16;
  if (end <= have) return;
  const needed = <i32>((end - have + 0xffff) >> 16);
  // Grow by at least half again, so a growing candidate buffer costs O(log) grows.
  const wanted = max(needed, memory.size() >> 1);
  if (memory.grow(wanted) < 0 && memory.grow(needed) < 0) unreachable();
}
