// Preloaded (node --require) into each CLI child of the hostile suite: at exit it writes the
// process's peak resident set size (KB, from getrusage) to $HOOKGATE_PEAK_RSS_FILE.
'use strict';
const file = process.env.HOOKGATE_PEAK_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS));
    } catch {
      /* best effort: the parent also polls /proc */
    }
  });
}
