// tsc does not set the executable bit; npm does for registry installs, but a
// local `npm install` of the checkout runs the bin through the shim, so the
// shebang plus chmod keeps `./dist/cli/main.js` runnable directly as well.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
