// Module resolution hooks (node:module register) that make `msw` unresolvable, as in a project that
// never installed it, and report every attempt on stderr. A process that loads msw then fails.
export async function resolve(specifier, context, next) {
  if (specifier === 'msw' || specifier.startsWith('msw/')) {
    process.stderr.write(`refuse-msw: import of "${specifier}" from ${context.parentURL}\n`);
    const err = new Error(`Cannot find package '${specifier}' (msw is not installed)`);
    err.code = 'ERR_MODULE_NOT_FOUND';
    throw err;
  }
  return next(specifier, context);
}
