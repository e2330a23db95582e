/** A Kubernetes minor version such as `1.30`; patch levels are ignored. */
export interface KubernetesVersion {
  readonly major: number;
  readonly minor: number;
}

const VERSION = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/;

/** Parses `"1.30"`, `"v1.30"`, `"1.30.2"` or `"v1.30.2-eks-1234"`; `undefined` for anything else. */
export function parseKubernetesVersion(text: string): KubernetesVersion | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** Whether `version` is at least `1.<minor>`. */
export function isAtLeastMinor(version: KubernetesVersion, minor: number): boolean {
  return version.major > 1 || (version.major === 1 && version.minor >= minor);
}

export function formatKubernetesVersion(version: KubernetesVersion): string {
  return `${version.major}.${version.minor}`;
}
