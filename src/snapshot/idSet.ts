/**
 * A set of V8 object ids that never holds a JS Set (capped at 2^24 entries). V8 gives heap
 * objects odd ids from a counter, so those go into a bitmap over `id >>> 1`; embedder (native)
 * nodes get even, address-like ids, which go into a sorted array searched by bisection.
 */
export class IdSet {
  private readonly bits: Uint32Array;
  private readonly even: Uint32Array;
  private readonly maxOddId: number;

  constructor(ids: Uint32Array) {
    let maxOdd = 0;
    let evenCount = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id & 1) {
        if (id > maxOdd) maxOdd = id;
      } else evenCount++;
    }
    this.maxOddId = maxOdd;
    this.bits = new Uint32Array((maxOdd >>> 6) + 1);
    this.even = new Uint32Array(evenCount);
    let e = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id & 1) {
        const bit = id >>> 1;
        this.bits[bit >>> 5] |= 1 << (bit & 31);
      } else this.even[e++] = id;
    }
    this.even.sort();
  }

  has(id: number): boolean {
    if (id & 1) {
      if (id > this.maxOddId) return false;
      const bit = id >>> 1;
      return (this.bits[bit >>> 5] & (1 << (bit & 31))) !== 0;
    }
    const even = this.even;
    let lo = 0;
    let hi = even.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = even[mid];
      if (v === id) return true;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}
