// Preloaded (`node -r`) into the processes the doctor bench times: writes the process's peak
// resident set size (kilobytes, `process.resourceUsage().maxRSS`) and its CPU time (user +
// system, microseconds) to the file named by GRPC_DRAIN_BENCH_RSS when the process exits, so
// that the bench compares whole processes, also on a machine whose other load skews wall time.
'use strict';
const file = process.env.GRPC_DRAIN_BENCH_RSS;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    require('fs').writeFileSync(file, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}`);
  });
}
