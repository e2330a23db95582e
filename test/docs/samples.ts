/** The TypeScript samples of README.md and docs/*.md, as the docs tests read them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** README.md and every docs/*.md, relative to the repository root. */
export function markdownFiles(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
}

export interface Sample {
  /** `README.md:97`: the file and the line of the opening fence. */
  readonly where: string;
  readonly file: string;
  readonly code: string;
}

/** Every ```ts / ```typescript block, in order. */
export function typescriptSamples(file: string): Sample[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const samples: Sample[] = [];
  for (const match of text.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)) {
    const line = text.slice(0, match.index).split('\n').length;
    samples.push({ where: `${file}:${line}`, file, code: match[1] });
  }
  return samples;
}

/** The fenced block that starts with `first` (its first line), without the fences. */
export function blockStartingWith(file: string, first: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8');
  for (const match of text.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)) {
    if (match[1].startsWith(first)) return match[1];
  }
  throw new Error(`${file} has no fenced block starting with ${JSON.stringify(first)}`);
}
