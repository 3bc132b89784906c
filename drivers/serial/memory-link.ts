import type { SerialLink } from './serial-link.ts';

class MemoryLink implements SerialLink {
  peer: MemoryLink | null = null;
  private readonly dataListeners: ((chunk: Uint8Array) => void)[] = [];
  private readonly closeListeners: ((err?: Error) => void)[] = [];
  private closed = false;

  constructor(readonly name: string) {}

  async write(data: Uint8Array): Promise<void> {
    if (this.closed) throw new Error(`${this.name} is closed`);
    const copy = Uint8Array.from(data);
    const peer = this.peer;
    setImmediate(() => peer?.deliver(copy));
  }

  onData(listener: (chunk: Uint8Array) => void): void {
    this.dataListeners.push(listener);
  }

  onClose(listener: (err?: Error) => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  async close(): Promise<void> {
    this.shut();
    this.peer?.shut(new Error('peer closed'));
  }

  deliver(chunk: Uint8Array): void {
    if (!this.closed) for (const l of this.dataListeners) l(chunk);
  }

  private shut(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.closeListeners.splice(0)) l(err);
  }
}

/** Two in-memory links wired to each other (writes arrive on the next tick), for unit tests. */
export function createMemoryLinkPair(): [SerialLink, SerialLink] {
  const a = new MemoryLink('memory:a');
  const b = new MemoryLink('memory:b');
  a.peer = b;
  b.peer = a;
  return [a, b];
}
