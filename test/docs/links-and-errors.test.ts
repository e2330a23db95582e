/**
 * The README and docs/ as the package ships them: every relative link and image resolves to
 * a file in the package (README.md and docs/ are read inside node_modules and on npm too),
 * every anchor to a heading, every link to this repository's files to a file that exists;
 * and the errors they show are the ones a user gets, prefix included.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { resolveDrainOptions } from 'grpc-drain/runtime';
import { GrpcDeployment } from 'grpc-drain/pulumi';
import { blockStartingWith, markdownFiles, ROOT } from './samples';

const REPOSITORY = 'https://github.com/grpc-drain/grpc-drain/blob/main/';

/** The files `npm pack` would put in the tarball (no build: the links point at docs, not lib/). */
function packedFiles(): Set<string> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=silent'], { cwd: ROOT, encoding: 'utf8' });
  return new Set((JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((file) => file.path));
}

/** Markdown without its fenced blocks and inline code (links there are not links). */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to '-', repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of text.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = match[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

describe('links in README.md and docs/', () => {
  const files = packedFiles();
  const links = markdownFiles().flatMap((file) =>
    [...prose(readFileSync(join(ROOT, file), 'utf8')).matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => ({ file, target: match[1] })),
  );

  it('ships README.md, LICENSE and the docs they link', () => {
    expect(links.length).toBeGreaterThan(20);
    for (const file of ['README.md', 'LICENSE', ...markdownFiles()]) expect(files.has(file)).toBe(true);
  });

  it('resolve inside the package, anchors included', () => {
    const broken = links.flatMap(({ file, target }) => {
      if (/^[a-z]+:/.test(target)) return [];
      const [path, anchor] = target.split('#');
      const resolved = path === '' ? file : posix.normalize(posix.join(posix.dirname(file), path));
      if (!files.has(resolved)) return [`${file}: ${target} (${resolved} is not in the package)`];
      if (anchor !== undefined && !anchors(readFileSync(join(ROOT, resolved), 'utf8')).has(anchor)) return [`${file}: ${target} (no heading #${anchor} in ${resolved})`];
      return [];
    });
    expect(broken).toEqual([]);
  });

  it('point at files that exist when they point into this repository', () => {
    const repositoryLinks = links.filter(({ target }) => target.startsWith(REPOSITORY));
    expect(repositoryLinks.length).toBeGreaterThan(0);
    const missing = repositoryLinks.filter(({ target }) => !existsSync(join(ROOT, target.slice(REPOSITORY.length).split('#')[0])));
    expect(missing).toEqual([]);
  });
});

/** `shown` with `…` standing for any text, against the real text. */
function abridges(shown: string, real: string): boolean {
  const pattern = shown
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*?');
  return new RegExp(`^${pattern}$`).test(real);
}

describe('the errors the docs show are the real ones', () => {
  it('docs/pulumi.md: a DrainBudgetError as `pulumi preview` prints it', () => {
    let error: unknown;
    try {
      new GrpcDeployment('engine', { image: 'ghcr.io/example/engine:1.0.0', grpcPort: 7070, budget: { propagationSeconds: 5, drainTimeoutSeconds: 10, terminationGracePeriodSeconds: 12 } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    const shown = blockStartingWith('docs/pulumi.md', "    error: Running program '…' failed with an unhandled exception:\n");
    // Pulumi indents the diagnostic by four spaces; then come the stack and the error's fields.
    const body = shown.split('\n').slice(1).map((line) => line.replace(/^ {4}/, '')).join('\n');
    expect(abridges(body.trimEnd(), (error as Error).stack ?? '')).toBe(true);
    expect(body.startsWith(`${String(error).split('\n')[0]}\n`)).toBe(true);
  });

  it('docs/runtime.md: a DrainOptionsError with every bad setting', () => {
    let error: unknown;
    try {
      resolveDrainOptions({ env: { GRPC_DRAIN_TIMEOUT_SECONDS: '-1', GRPC_DRAIN_HEALTH_PORT: '70000', GRPC_DRAIN_READY_PATH: 'ready' } });
    } catch (caught) {
      error = caught;
    }
    expect(blockStartingWith('docs/runtime.md', 'DrainOptionsError: ')).toBe(`${String(error)}\n`);
  });
});
