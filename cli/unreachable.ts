export { throwIfUnreachable } from '../api/unreachable.js';
