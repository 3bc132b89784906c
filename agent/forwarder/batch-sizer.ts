/**
 * How many records the next batch takes. Full size normally; after a refused batch, half the
 * refused size each time, until the refused record stands alone (log₂ of the batch size in extra
 * requests). While narrowing down, accepted batches keep the small size, so the search does not
 * start over; after twice a full batch accepted without a refusal, the refusal is taken to have
 * been about size, not content, and batches grow back by doubling.
 */
export class BatchSizer {
  private current: number;
  /** Records accepted since the last refusal; null when not narrowing down. */
  private sinceRefusal: number | null = null;

  constructor(readonly full: number) {
    if (!(Number.isInteger(full) && full >= 1))
      throw new RangeError('the batch size must be a whole number ≥ 1');
    this.current = full;
  }

  /** Records for the next batch. */
  get size(): number {
    return this.current;
  }

  /** A batch of `count` records was refused: the next one takes half. */
  refused(count: number): void {
    this.current = Math.max(1, Math.floor(count / 2));
    this.sinceRefusal = 0;
  }

  /** A batch of `count` records was accepted. */
  accepted(count: number): void {
    if (this.sinceRefusal !== null) {
      this.sinceRefusal += count;
      if (this.sinceRefusal < 2 * this.full) return;
      this.sinceRefusal = null;
    }
    this.current = Math.min(this.full, this.current * 2);
  }

  /** The refused record was found (parked), or delivery starts over: back to full size. */
  reset(): void {
    this.current = this.full;
    this.sinceRefusal = null;
  }
}
