// Preloaded (`node -r`) by tests that bound a process's memory: on exit, its peak resident set
// size in KiB goes to stderr as `convlens-test-maxrss <KiB>`.
process.on('exit', () => {
  require('node:fs').writeSync(2, `\nconvlens-test-maxrss ${process.resourceUsage().maxRSS}\n`);
});
