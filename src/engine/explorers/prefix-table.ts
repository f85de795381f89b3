// The prefixes a bounded search has explored, by 64-bit trace hash, with the fewest preemptions
// each was reached with. Open addressing over typed arrays: 9 bytes a slot, growing by doubling
// up to `maxSlots` (default 2^23, 72 MiB) and no further. A full table stops recording; what it
// holds still answers, so the search stays exhaustive within its bound, only merges less.

const EMPTY = 0xff;
/** Costs are preemption counts; 0xff marks an empty slot. */
const MAX_COST = 0xfe;

export class PrefixTable {
  private lo: Uint32Array;
  private hi: Uint32Array;
  private cost: Uint8Array;
  private used = 0;
  /** Prefixes not recorded because the table was at its bound. */
  dropped = 0;

  constructor(
    private readonly maxSlots = 1 << 23,
    slots = 1 << 16,
  ) {
    const n = Math.min(slots, maxSlots);
    this.lo = new Uint32Array(n);
    this.hi = new Uint32Array(n);
    this.cost = new Uint8Array(n).fill(EMPTY);
  }

  /** Slots allocated now (each 9 bytes). */
  get slots(): number {
    return this.cost.length;
  }

  /**
   * Was this prefix reached before with at most `cost` preemptions? If not, record it with
   * `cost` (a prefix met again more cheaply keeps the lower cost) and return false.
   */
  covered(lo: number, hi: number, cost: number): boolean {
    const c = Math.min(cost, MAX_COST);
    const mask = this.cost.length - 1;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      const at = this.cost[i];
      if (at === EMPTY) break;
      if (this.lo[i] === lo && this.hi[i] === hi) {
        if (at <= c) return true;
        this.cost[i] = c;
        return false;
      }
    }
    if ((this.used + 1) * 4 > this.cost.length * 3) {
      if (this.cost.length >= this.maxSlots) {
        this.dropped++;
        return false;
      }
      this.grow();
    }
    this.put(lo, hi, c);
    this.used++;
    return false;
  }

  private put(lo: number, hi: number, c: number): void {
    const mask = this.cost.length - 1;
    let i = lo & mask;
    while (this.cost[i] !== EMPTY) i = (i + 1) & mask;
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.cost[i] = c;
  }

  private grow(): void {
    const { lo, hi, cost } = this;
    const n = cost.length * 2;
    this.lo = new Uint32Array(n);
    this.hi = new Uint32Array(n);
    this.cost = new Uint8Array(n).fill(EMPTY);
    for (let i = 0; i < cost.length; i++) if (cost[i] !== EMPTY) this.put(lo[i], hi[i], cost[i]);
  }
}
