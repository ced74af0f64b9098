// Module resolution hooks (node:module register) that make `vitest` unresolvable, as in a project
// that never installed it, and report every attempt on stderr. A process that loads vitest then fails.
export async function resolve(specifier, context, next) {
  if (specifier === 'vitest' || specifier.startsWith('vitest/') || specifier.startsWith('@vitest/')) {
    process.stderr.write(`refuse-vitest: import of "${specifier}" from ${context.parentURL}\n`);
    const err = new Error(`Cannot find package '${specifier}' (vitest is not installed)`);
    err.code = 'ERR_MODULE_NOT_FOUND';
    throw err;
  }
  return next(specifier, context);
}
