/** An append-only Uint32Array for sections whose length the header does not give. */
export class GrowableUint32Array {
  private data: Uint32Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.data = new Uint32Array(Math.max(16, initialCapacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  at(index: number): number {
    return this.data[index];
  }

  /** Drops the spare capacity (up to half the array) once nothing more will be pushed. */
  trim(): void {
    if (this.length < this.data.length) this.data = this.data.slice(0, Math.max(16, this.length));
  }

  /** The filled part, without a copy (valid until the next push). */
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }

  /** The filled part, copied to an exact-size array so the spare capacity can be freed. */
  toArray(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}
