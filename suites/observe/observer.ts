/** What a check knows about one message it sent: its dedup key and the entity ids a receiver would fetch. */
export interface ObservedMessage {
  messageId: string;
  entityId?: string;
}

/** A way to count how many times the receiver processed a message (not merely answered it). */
export interface Observer {
  kind: 'effects' | 'fetch-back';
  /** Human name for messages, e.g. "effects URL http://…/_effects". */
  name: string;
  processed(msg: ObservedMessage): Promise<number>;
}

export interface SettleOptions {
  /** The longest to wait for asynchronous processing. */
  settleMs: number;
  /** Poll interval. */
  intervalMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Processing is often asynchronous: poll until the count reaches `atLeast`, or the
 * settle time runs out. Returns the last count seen.
 */
export async function waitForCount(read: () => Promise<number>, atLeast: number, o: SettleOptions): Promise<number> {
  const deadline = Date.now() + o.settleMs;
  let n = await read();
  while (n < atLeast && Date.now() < deadline) {
    await sleep(o.intervalMs ?? 25);
    n = await read();
  }
  return n;
}

/** Waits the whole settle time (a second processing can only be ruled out by waiting), then counts. */
export async function settledCount(read: () => Promise<number>, o: SettleOptions): Promise<number> {
  await sleep(o.settleMs);
  return read();
}
