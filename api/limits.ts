/**
 * The ranges of the numeric options, shared by the command line (cli/option-specs.ts) and the API
 * (api/check-range.ts): a wait of at most a day (node's timers hold at most 2^31−1 ms, about 24.8
 * days, and fire at once beyond it), runs and concurrency a person would ask for, payloads that leave
 * hookgate's own memory alone, seeds of their real width.
 */
export const DAY_S = 86_400;
export const MAX_SEED = 2 ** 31 - 1;
export const MAX_RUNS = 10_000;
export const MAX_CONCURRENCY = 64;
export const MAX_LARGE_SIZE = 256 * 1024 * 1024;
