export { TOOL_VERSION } from '../api/version.js';
