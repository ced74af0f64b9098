// nock 15.0.2 (the newest nock that installs on Node 20) pulls in
// @mswjs/interceptors 0.44, which declares node >=22 and calls
// Promise.withResolvers, absent from Node 20: without this shim every
// intercepted request fails. Harmless where the runtime already has it.
const P = Promise as PromiseConstructor & { withResolvers?: unknown };
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = <T>() => {
    let resolve!: (v: T | PromiseLike<T>) => void;
    let reject!: (e?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
