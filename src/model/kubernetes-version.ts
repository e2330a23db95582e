import { KUBERNETES_MINOR } from './limits';

/** A Kubernetes minor version such as `1.30`; patch levels are ignored. */
export interface KubernetesVersion {
  readonly major: number;
  readonly minor: number;
}

/** A parsed value, or why the text is not one. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

// Semantic-version numbers: no leading zeros (`1.030` is not 1.30). A pre-release or build
// suffix is allowed, as EKS reports it (`v1.30.2-eks-1234`).
const VERSION = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:[-+][0-9A-Za-z.-]+)?$/;
const LOOSE = /^v?(\d+)\.(\d+)/;

/**
 * Reads `"1.30"`, `"v1.30"`, `"1.30.2"` or `"v1.30.2-eks-1234"` strictly: major 1, minor in
 * 1.21–1.99 ({@link KUBERNETES_MINOR}); anything else comes back with the reason, so a budget
 * never silently plans for a version that does not exist (`1.300`, `2.0`) or that cannot run
 * what the plan renders (`1.0`).
 */
export function checkKubernetesVersion(input: unknown): Parsed<KubernetesVersion> {
  if (typeof input !== 'string') return { ok: false, reason: 'a Kubernetes version is a string such as "1.30"' };
  const text = input.trim();
  const match = VERSION.exec(text);
  if (!match) {
    const loose = LOOSE.exec(text);
    if (loose && /^0\d/.test(loose[2] as string)) return { ok: false, reason: `minor versions have no leading zero (did you mean "1.${Number(loose[2])}"?)` };
    return { ok: false, reason: 'expected a version such as "1.30", "v1.31.2" or "v1.30.2-eks-1234"' };
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major !== 1) return { ok: false, reason: `there is no Kubernetes ${major}.x: every release so far is 1.x` };
  if (minor < KUBERNETES_MINOR.min) {
    return { ok: false, reason: `Kubernetes 1.${minor} is older than 1.${KUBERNETES_MINOR.min}, the first with the policy/v1 PodDisruptionBudget the plan renders` };
  }
  if (minor > KUBERNETES_MINOR.max) {
    const guess = String(minor).slice(0, 2);
    return { ok: false, reason: `Kubernetes 1.${minor} does not exist: releases come three a year (1.35 in December 2025), so minors above 1.${KUBERNETES_MINOR.max} are typos (did you mean "1.${guess}"?)` };
  }
  return { ok: true, value: { major, minor } };
}

/** The version, when {@link checkKubernetesVersion} accepts it; `undefined` otherwise. */
export function parseKubernetesVersion(text: string): KubernetesVersion | undefined {
  const parsed = checkKubernetesVersion(text);
  return parsed.ok ? parsed.value : undefined;
}

/** Whether `version` is at least `1.<minor>`. */
export function isAtLeastMinor(version: KubernetesVersion, minor: number): boolean {
  return version.major > 1 || (version.major === 1 && version.minor >= minor);
}

export function formatKubernetesVersion(version: KubernetesVersion): string {
  return `${version.major}.${version.minor}`;
}
