import { createHash } from 'crypto';
import { statSync } from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { packageInfo } from '../../package-info';
import { RULE_INFO, type RuleInfo } from '../../rules';
import type { SourceLocation } from '../manifests';
import type { DoctorFinding, DoctorReport } from '../types';
import { describeLocation, describeProblem, describeRef } from './text';

/**
 * SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) as
 * GitHub code scanning reads it ("SARIF support for code scanning",
 * https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support-for-code-scanning):
 * one run; the tool with its version and information URI; the rules table with a name, both
 * descriptions, help text and Markdown, a help URI and tags per rule; one result per finding
 * with its level, a location GitHub can map to a file of the repository, and a fingerprint of
 * the finding itself. Checked by `Sarif.Multitool validate` (test/doctor/sarif-validator.test.ts).
 *
 * Locations: a file inside the repository is a relative reference under the uriBaseId
 * `%SRCROOT%` (the repository root, declared in `originalUriBaseIds`), the form GitHub
 * matches against the repository's files; a file outside it is an absolute `file:` URI;
 * stdin is the relative reference `stdin`, with no base (SARIF has no convention for it).
 */

/** The uriBaseId of the repository root, the name GitHub's own SARIF examples use. */
export const SARIF_SOURCE_ROOT = '%SRCROOT%';

/** The schema the log names (SchemaStore's copy of the OASIS schema, the one the SARIF validator accepts). */
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * `partialFingerprints` key of a finding's identity: rule, workload, object, field and
 * container, not the line, so an alert survives edits that move the setting. GitHub's upload
 * adds `primaryLocationLineHash` from the file itself where it can read it; this one also
 * covers stdin and files outside the checkout. Raised (`/v2`) if the identity ever changes.
 */
export const SARIF_FINGERPRINT = 'grpcDrainFinding/v1';

/** Where relative input paths and the repository root are. */
export interface SarifOptions {
  /** The directory relative input paths are relative to. Default: `process.cwd()`. */
  readonly workingDirectory?: string;
  /**
   * The repository root: inputs under it become references relative to `%SRCROOT%`.
   * Default: the Git work tree holding `workingDirectory` (the nearest directory with a
   * `.git` entry), else `workingDirectory` itself.
   */
  readonly sourceRoot?: string;
}

/** A SARIF message. */
export interface SarifMessage {
  readonly text: string;
  readonly markdown?: string;
}

export interface SarifArtifactLocation {
  readonly uri: string;
  readonly uriBaseId?: string;
  readonly description?: SarifMessage;
}

/** A SARIF log as grpc-drain writes it (only the properties it sets). */
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly SarifRun[];
}

export interface SarifRun {
  readonly tool: {
    readonly driver: {
      readonly name: string;
      readonly version?: string;
      readonly semanticVersion?: string;
      readonly informationUri?: string;
      readonly rules: readonly SarifRule[];
    };
  };
  /** The absolute URI of `%SRCROOT%` on the machine the doctor ran on. */
  readonly originalUriBaseIds: Readonly<Record<string, SarifArtifactLocation>>;
  /** Columns count UTF-16 code units, as JavaScript strings (and the YAML parser's offsets) do. */
  readonly columnKind: 'utf16CodeUnits';
  readonly results: readonly SarifResult[];
  readonly invocations: readonly {
    readonly executionSuccessful: boolean;
    readonly toolExecutionNotifications: readonly { readonly level: 'note' | 'warning'; readonly message: SarifMessage }[];
  }[];
}

export interface SarifRule {
  readonly id: string;
  /** The id in PascalCase, SARIF's "friendly name" (`GraceCoversDrain`). */
  readonly name: string;
  readonly shortDescription: SarifMessage;
  readonly fullDescription: SarifMessage;
  readonly defaultConfiguration: { readonly level: 'error' | 'warning' };
  /** What GitHub shows next to an alert (the Markdown when present). */
  readonly help: { readonly text: string; readonly markdown: string };
  readonly helpUri?: string;
  readonly properties: { readonly symptom: string; readonly tags: readonly string[] };
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: 'error' | 'warning';
  readonly message: { readonly text: string; readonly markdown: string };
  readonly locations: readonly {
    readonly physicalLocation: {
      readonly artifactLocation: SarifArtifactLocation;
      readonly region?: { readonly startLine: number; readonly startColumn?: number };
    };
    readonly logicalLocations: readonly { readonly name: string; readonly fullyQualifiedName: string; readonly kind: 'resource' }[];
  }[];
  readonly partialFingerprints: Readonly<Record<string, string>>;
  readonly properties: {
    readonly field: string;
    readonly symptom: string;
    readonly document: number;
    readonly item?: number;
    readonly container?: string;
    readonly fix: readonly string[];
    readonly fixNote?: string;
  };
}

/** Tags every rule carries (GitHub lists and filters alerts by `properties.tags`); none is `security`, so no `security-severity`. */
const RULE_TAGS = ['kubernetes', 'aws-nlb', 'graceful-shutdown', 'reliability'] as const;

/** The nearest directory at or above `dir` holding `.git` (a directory, or a file in a worktree or submodule). */
function gitWorkTree(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    try {
      statSync(path.join(current, '.git'));
      return current;
    } catch {
      // not here: one level up
    }
    if (path.dirname(current) === current) return undefined;
  }
}

interface Context {
  readonly workingDirectory: string;
  readonly sourceRoot: string;
  /** What `%SRCROOT%` is, in words. */
  readonly sourceRootIs: string;
}

function context(options: SarifOptions): Context {
  const workingDirectory = path.resolve(options.workingDirectory ?? process.cwd());
  if (options.sourceRoot !== undefined) return { workingDirectory, sourceRoot: path.resolve(workingDirectory, options.sourceRoot), sourceRootIs: 'The repository root.' };
  const workTree = gitWorkTree(workingDirectory);
  return workTree !== undefined
    ? { workingDirectory, sourceRoot: workTree, sourceRootIs: 'The repository root: the Git work tree the doctor ran in.' }
    : { workingDirectory, sourceRoot: workingDirectory, sourceRootIs: 'The directory the doctor ran in (no Git work tree holds it).' };
}

/** `file:///repo/` (a base URI ends with a slash, SARIF §3.14.14). */
function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** An absolute URI already (a Pulumi URN, `https:`), not a path: two letters or more before the colon, so `C:\` stays a path. */
const URI_SCHEME = /^[a-z][a-z0-9+.-]+:/i;

function artifactLocation(file: string, ctx: Context): SarifArtifactLocation {
  if (file === '-') return { uri: 'stdin', description: { text: 'The manifests read from standard input (grpc-drain doctor -).' } };
  if (URI_SCHEME.test(file)) return { uri: file };
  const absolute = path.resolve(ctx.workingDirectory, file);
  const relative = path.relative(ctx.sourceRoot, absolute);
  const outside = relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  if (!outside) {
    // Each segment percent-encoded: a relative reference must not start with a slash
    // (SARIF1004) and must keep `#`, `?`, `%` and spaces out of its syntax.
    return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SARIF_SOURCE_ROOT };
  }
  return { uri: pathToFileURL(absolute).href };
}

function physical(location: SourceLocation, ctx: Context): SarifResult['locations'][number]['physicalLocation'] {
  return {
    artifactLocation: artifactLocation(location.file, ctx),
    ...(location.line !== undefined && { region: { startLine: location.line, ...(location.column !== undefined && { startColumn: location.column }) } }),
  };
}

/** `grace-covers-drain` → `GraceCoversDrain`. */
function pascalCase(id: string): string {
  return id
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** `https://github.com/o/n/blob/v0.1.0/README.md#rules`: the rules table of the version that wrote the log. */
function rulesTableUri(): string | undefined {
  const { repositoryUrl, version } = packageInfo();
  if (repositoryUrl === undefined) return undefined;
  return `${repositoryUrl}/blob/${version !== undefined ? `v${version}` : 'main'}/README.md#rules`;
}

function ruleLevel(rule: RuleInfo): 'error' | 'warning' {
  return rule.severity === 'warning' ? 'warning' : 'error';
}

function descriptor(rule: RuleInfo, helpUri: string | undefined): SarifRule {
  const severity = rule.severity === 'error/warning' ? 'an error, or a warning in its softer case' : `a ${rule.severity}`;
  const what = 'Each result names the workload, the numbers, and the YAML fragment that fixes it, computed by the drain plan of the workload\'s budget.';
  const text = [`${sentence(rule.summary)}`, `Prevents: ${sentence(rule.symptom)}`, `The rule reports ${severity}. ${what}`, ...(helpUri ? [`Rules table: ${helpUri}`] : [])].join('\n\n');
  const markdown = [
    `**${rule.id}**: ${sentence(rule.summary)}`,
    `**Prevents:** ${sentence(rule.symptom)}`,
    `The rule reports ${severity}. ${what} Run \`grpc-drain doctor\` on the same manifests for the full report.`,
    ...(helpUri ? [`See the [rules table](${helpUri}).`] : []),
  ].join('\n\n');
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: sentence(rule.summary) },
    fullDescription: { text: `${rule.summary}; prevents: ${sentence(rule.symptom)}` },
    defaultConfiguration: { level: ruleLevel(rule) },
    help: { text, markdown },
    ...(helpUri !== undefined && { helpUri }),
    properties: { symptom: rule.symptom, tags: RULE_TAGS },
  };
}

/** The finding's identity (not its line), hashed; `:n` tells apart the n-th finding with the same identity. */
function fingerprint(finding: DoctorFinding, seen: Map<string, number>): string {
  const ref = (r: { kind: string; namespace: string; name: string }) => `${r.kind}/${r.namespace}/${r.name}`;
  const identity = JSON.stringify([finding.rule, ref(finding.workload), ref(finding.object), finding.field, finding.container ?? '']);
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 32);
  const count = (seen.get(hash) ?? 0) + 1;
  seen.set(hash, count);
  return `${hash}:${count}`;
}

function result(finding: DoctorFinding, ctx: Context, seen: Map<string, number>): SarifResult {
  const ruleIndex = RULE_INFO.findIndex((rule) => rule.id === finding.rule);
  const workload = describeRef(finding.workload);
  const fixes = finding.fix.map((fragment) => `Fix (${fragment.action} ${describeRef(fragment.target)}):\n\n\`\`\`yaml\n${fragment.yaml}\`\`\``);
  const markdown = [`**${workload}**${finding.container !== undefined ? ` (container \`${finding.container}\`)` : ''}: ${finding.message}`, `Symptom: ${finding.symptom}.`, ...fixes, ...(finding.fixNote !== undefined ? [finding.fixNote] : [])].join('\n\n');
  return {
    ruleId: finding.rule,
    ruleIndex,
    level: finding.severity,
    message: { text: sentence(`${workload}: ${finding.message}`), markdown },
    locations: [
      {
        physicalLocation: physical(finding.location, ctx),
        logicalLocations: [{ name: finding.workload.name, fullyQualifiedName: `${finding.workload.kind}/${finding.workload.namespace}/${finding.workload.name}`, kind: 'resource' }],
      },
    ],
    partialFingerprints: { [SARIF_FINGERPRINT]: fingerprint(finding, seen) },
    properties: {
      field: finding.field,
      symptom: finding.symptom,
      document: finding.location.document,
      ...(finding.location.item !== undefined && { item: finding.location.item }),
      ...(finding.container !== undefined && { container: finding.container }),
      fix: finding.fix.map((fragment) => fragment.yaml),
      ...(finding.fixNote !== undefined && { fixNote: finding.fixNote }),
    },
  };
}

/** What the run noticed about its input besides findings (objects skipped and why), as sentences. */
function notifications(report: DoctorReport): SarifRun['invocations'][number]['toolExecutionNotifications'] {
  // Problems (an unusable file among several) warn; notes (objects skipped and why) inform.
  const problems = report.problems.map(describeProblem);
  const notes = [
    ...report.inputNotes.map((note) => `${describeLocation(note.location)}: ${note.message}`),
    ...report.notes,
    ...report.workloads.flatMap((w) => w.notes.map((note) => `${describeRef(w.workload)}: ${note}`)),
  ];
  return [
    ...problems.map((text) => ({ level: 'warning' as const, message: { text: sentence(text) } })),
    ...notes.map((text) => ({ level: 'note' as const, message: { text: sentence(text) } })),
  ];
}

/** The report as a SARIF 2.1.0 log. */
export function toSarif(report: DoctorReport, options: SarifOptions = {}): SarifLog {
  const ctx = context(options);
  const { version, homepage } = packageInfo();
  const helpUri = rulesTableUri();
  const seen = new Map<string, number>();
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'grpc-drain',
            ...(version !== undefined && { version, semanticVersion: version }),
            ...(homepage !== undefined && { informationUri: homepage }),
            rules: RULE_INFO.map((rule) => descriptor(rule, helpUri)),
          },
        },
        originalUriBaseIds: { [SARIF_SOURCE_ROOT]: { uri: directoryUri(ctx.sourceRoot), description: { text: ctx.sourceRootIs } } },
        columnKind: 'utf16CodeUnits',
        results: report.workloads.flatMap((w) => w.findings.map((finding) => result(finding, ctx, seen))),
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications(report) }],
      },
    ],
  };
}

export function formatSarif(report: DoctorReport, options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(report, options), null, 2)}\n`;
}
