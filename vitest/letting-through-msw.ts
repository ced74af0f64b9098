/*
 * The app's own calls to hookgate's fetch-back API go out through the test file's thread, where
 * msw's setupServer sees them; under `onUnhandledRequest: 'error'` they would fail. Given the
 * user's server, the API's origin is let through with msw's `passthrough()`. msw is imported
 * only here, only when the option is used: it is an optional peer dependency.
 */
export async function lettingThroughMsw(server: { use(...handlers: unknown[]): void }): Promise<{ allow(origin: string): void }> {
  if (typeof server?.use !== 'function') throw new TypeError('msw: pass the value setupServer() returned');
  const { http, passthrough } = await import('msw');
  return {
    allow(apiUrl) {
      server.use(http.all(`${new URL(apiUrl).origin}/*`, () => passthrough()));
    },
  };
}
