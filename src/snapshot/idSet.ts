import { indexOfSorted } from './bisect';

/** The arrays behind an IdSet, for sending one to another thread. */
export interface IdSetParts {
  bits: Uint32Array;
  even: Uint32Array;
  maxOddId: number;
}

/**
 * A set of V8 object ids that never holds a JS Set (capped at 2^24 entries). V8 gives heap
 * objects odd ids from a counter, so those go into a bitmap over `id >>> 1`; embedder (native)
 * nodes get even, address-like ids, which go into a sorted array searched by bisection.
 */
export class IdSet {
  private constructor(readonly parts: IdSetParts) {}

  static of(ids: Uint32Array): IdSet {
    let maxOdd = 0;
    let evenCount = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id & 1) {
        if (id > maxOdd) maxOdd = id;
      } else evenCount++;
    }
    const bits = new Uint32Array((maxOdd >>> 6) + 1);
    const even = new Uint32Array(evenCount);
    let e = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id & 1) {
        const bit = id >>> 1;
        bits[bit >>> 5] |= 1 << (bit & 31);
      } else even[e++] = id;
    }
    even.sort();
    return new IdSet({ bits, even, maxOddId: maxOdd });
  }

  static fromParts(parts: IdSetParts): IdSet {
    return new IdSet(parts);
  }

  /** The largest heap-object (odd) id in the set. */
  get maxOddId(): number {
    return this.parts.maxOddId;
  }

  has(id: number): boolean {
    const { bits, even, maxOddId } = this.parts;
    if (id & 1) {
      if (id > maxOddId) return false;
      const bit = id >>> 1;
      return (bits[bit >>> 5] & (1 << (bit & 31))) !== 0;
    }
    return indexOfSorted(even, id) >= 0;
  }
}
