/**
 * What the package says about itself, read from its package.json: the version `grpc-drain
 * --version` prints and the SARIF log names as the tool's version, and where its docs live.
 */

/** The fields of package.json this module reads. */
export interface PackageInfo {
  /** `0.1.0`; `undefined` when package.json cannot be read. */
  readonly version?: string;
  /** The project page (package.json `homepage`). */
  readonly homepage?: string;
  /** The GitHub repository page, `https://github.com/owner/name` (from `repository.url`). */
  readonly repositoryUrl?: string;
}

function readPackageJson(): unknown {
  try {
    // src/package-info.ts and lib/package-info.js both sit one level below package.json.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../package.json');
  } catch {
    return undefined;
  }
}

/** `git+https://github.com/o/n.git` → `https://github.com/o/n`. */
function repositoryPage(repository: unknown): string | undefined {
  const url = typeof repository === 'string' ? repository : (repository as { url?: unknown } | null)?.url;
  if (typeof url !== 'string') return undefined;
  const match = /^(?:git\+)?(https:\/\/[^/]+\/[^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(url.trim());
  return match?.[1];
}

let cached: PackageInfo | undefined;

/** The package's version, homepage and repository page. */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  const pkg = readPackageJson() as { version?: unknown; homepage?: unknown; repository?: unknown } | undefined;
  const repositoryUrl = repositoryPage(pkg?.repository);
  cached = {
    ...(typeof pkg?.version === 'string' && { version: pkg.version }),
    ...(typeof pkg?.homepage === 'string' && { homepage: pkg.homepage }),
    ...(repositoryUrl !== undefined && { repositoryUrl }),
  };
  return cached;
}

/** The package version (`undefined` if package.json cannot be read). */
export function packageVersion(): string | undefined {
  return packageInfo().version;
}
