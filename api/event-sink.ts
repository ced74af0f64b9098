/**
 * Calls the caller's progress listener without letting it break the run half way: a listener that
 * throws aborts the run (so its resources are released as on any abort) and its error is rethrown
 * once the run has cleaned up, instead of surfacing from the middle of the runner.
 */
export interface EventSink<E> {
  emit(event: E): void;
  /** Aborted when the listener threw. */
  signal: AbortSignal;
  /** Rethrows the listener's error, if it threw. */
  rethrow(): void;
}

export function eventSink<E>(listener: ((event: E) => void) | undefined): EventSink<E> {
  const stop = new AbortController();
  let failure: { error: unknown } | undefined;
  return {
    emit(event) {
      if (!listener || failure) return;
      try {
        listener(event);
      } catch (error) {
        failure = { error };
        stop.abort();
      }
    },
    signal: stop.signal,
    rethrow() {
      if (failure) throw failure.error;
    },
  };
}
