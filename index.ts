// The package's main entry (package.json "exports" ".") — the API lives in api/.
export * from './api/index.js';
