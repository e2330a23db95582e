/**
 * LBC releases that changed how a Service's annotations are read (tags of
 * kubernetes-sigs/aws-load-balancer-controller, read in its source):
 * (2.4.6 also starts honouring `healthcheck-timeout` and `healthcheck-success-codes`: the
 * values set are kept in the settings, and the rule `lbc-supports` says what an older
 * controller does with them.)
 * - 2.6.2: a named Service port as `healthcheck-port` (`buildTargetGroupHealthCheckPort` with
 *   `k8s.LookupServicePort`; 2.6.1 fails with "health check port not supported").
 * - 2.14.0: `target-group-attributes.<port>` (`buildPortSpecificTargetGroupAttributes`).
 * - 2.14.1: stringMap annotations split with escapes and trimmed keys and values
 *   (`splitKeyValuePairs`, commit f7296d3ef, `pkg/annotations/parser.go`).
 */
export const LBC_RELEASE = {
  namedHealthCheckPort: [2, 6, 2],
  perPortTargetGroupAttributes: [2, 14, 0],
  trimmedStringMaps: [2, 14, 1],
} as const satisfies Record<string, readonly [number, number, number]>;

/** `2.7`, `v2.14.1` → [2, 7, 0], [2, 14, 1]; `undefined` for anything else. */
export function lbcRelease(text: string | undefined): readonly [number, number, number] | undefined {
  const match = text !== undefined ? /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim()) : null;
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

/** Whether a known LBC version predates a release; `false` when the version is unknown (the newest behaviour is assumed). */
export function lbcBefore(version: string | undefined, release: keyof typeof LBC_RELEASE): boolean {
  const have = lbcRelease(version);
  if (!have) return false;
  const want = LBC_RELEASE[release];
  for (let i = 0; i < 3; i += 1) if (have[i] !== want[i]) return have[i]! < want[i]!;
  return false;
}
