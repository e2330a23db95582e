/**
 * The doctor as a cdk8s validation plugin: `cdk8s synth` runs it on the synthesized
 * manifests when cdk8s.yaml lists it under `validations:`, and fails the synth (exit 2) on
 * an error finding.
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/grpc-drain/lib/cdk8s/validation/index.js
 *     version: 0.1.0
 *     class: GrpcDrainValidation
 *     properties:
 *       drain: 10s
 *       kubernetesVersion: "1.31"
 * ```
 *
 * A `package` that starts with `./` (or is absolute) is loaded from disk by cdk8s-cli
 * (`PluginManager.loadPackage`); any other name is installed with `npm install` into
 * `~/.cdk8s/plugins` at synth time, which needs the network. `version` must be an exact
 * version (cdk8s-cli rejects ranges); for a local path it is only shown in the report.
 *
 * This module implements the cdk8s-cli 2.x plugin contract (`Validation.validate(context)`,
 * `lib/plugins/validation.d.ts`) structurally: it does not import cdk8s-cli, which is a
 * command-line tool, not a library dependency.
 */
import { readFileSync } from 'fs';
import {
  describeLocation,
  diagnose,
  durationSeconds,
  formatText,
  ManifestParseError,
  parseManifestText,
  resolveDoctorOptions,
  type DoctorOptions,
  type DoctorReport,
  type ManifestObject,
} from '../../doctor';
import { DrainBudgetError } from '../../plan';

/** A violation as cdk8s-cli's `ValidationReport.addViolation` takes it. */
export interface Cdk8sValidationViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: readonly {
    readonly resourceName: string;
    readonly locations: readonly string[];
    readonly manifestPath: string;
  }[];
}

/** The part of cdk8s-cli's `ValidationContext` the plugin uses. */
export interface Cdk8sValidationContext {
  /** Paths of the synthesized manifest files. */
  readonly manifests: readonly string[];
  /** Whether `cdk8s synth --stdout` runs (then the plugin prints nothing of its own). */
  readonly stdout?: boolean;
  readonly report: {
    addViolation(violation: Cdk8sValidationViolation): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  readonly logger: { log(message: string): void };
}

/**
 * `properties:` of the cdk8s.yaml entry: what to assume where a workload has no
 * `grpc-drain.dev/budget` annotation. Durations take `20s`, `1m30s`, `500ms` or seconds.
 */
export interface GrpcDrainValidationProperties {
  /** @default 20s */
  readonly propagation?: string | number;
  /** @default 10s */
  readonly drain?: string | number;
  /** @default 5s */
  readonly cleanup?: string | number;
  /** @default 10s */
  readonly headroom?: string | number;
  /** @default - unknown */
  readonly kubernetesVersion?: string;
  /** @default - no cap */
  readonly maxGrace?: string | number;
  /** Namespaces not in the manifests carry the LBC readiness-gate label. @default - unknown */
  readonly readinessGate?: boolean;
  /** Fail the synth on warnings too. @default false */
  readonly failOnWarnings?: boolean;
  /** Print the doctor's text report during the synth. @default true */
  readonly printReport?: boolean;
}

function describeBad(name: string, value: unknown): string {
  return `${name} must be a duration such as 20s, 1m30s or a number of seconds; got ${JSON.stringify(value)}.`;
}

/** The plugin's properties as doctor options; problems as `budget-valid` messages. */
export function validationOptions(properties: GrpcDrainValidationProperties): { options: DoctorOptions; problems: string[] } {
  const problems: string[] = [];
  const duration = (name: keyof GrpcDrainValidationProperties, value: unknown): number | undefined => {
    if (value === undefined) return undefined;
    const seconds = durationSeconds(value);
    if (seconds === undefined) problems.push(describeBad(name, value));
    return seconds;
  };
  const propagation = duration('propagation', properties.propagation);
  const drain = duration('drain', properties.drain);
  const cleanup = duration('cleanup', properties.cleanup);
  const headroom = duration('headroom', properties.headroom);
  const maxGrace = duration('maxGrace', properties.maxGrace);
  const options: DoctorOptions = {
    ...(propagation !== undefined && { propagationSeconds: propagation }),
    ...(drain !== undefined && { drainTimeoutSeconds: drain }),
    ...(cleanup !== undefined && { cleanupSeconds: cleanup }),
    ...(headroom !== undefined && { headroomSeconds: headroom }),
    ...(maxGrace !== undefined && { maxTerminationGracePeriodSeconds: maxGrace }),
    ...(properties.kubernetesVersion !== undefined && { kubernetesVersion: properties.kubernetesVersion }),
    ...(properties.readinessGate !== undefined && { readinessGate: properties.readinessGate }),
  };
  const label: Record<string, string> = {
    propagationSeconds: 'propagation',
    drainTimeoutSeconds: 'drain',
    cleanupSeconds: 'cleanup',
    headroomSeconds: 'headroom',
    maxTerminationGracePeriodSeconds: 'maxGrace',
  };
  try {
    resolveDoctorOptions(options, (field) => label[field] ?? field);
  } catch (error) {
    if (!(error instanceof DrainBudgetError)) throw error;
    problems.push(...error.violations.map((v) => v.message));
  }
  return { options, problems };
}

/** The cdk8s validation plugin: runs the doctor on the synthesized manifests. */
export class GrpcDrainValidation {
  private readonly properties: GrpcDrainValidationProperties;

  /** cdk8s-cli calls `new GrpcDrainValidation(properties)` with the cdk8s.yaml `properties`. */
  constructor(properties: GrpcDrainValidationProperties = {}) {
    this.properties = properties ?? {};
  }

  /** Diagnoses `context.manifests`; submits `failure` on an error finding (or a warning, with `failOnWarnings`). */
  async validate(context: Cdk8sValidationContext): Promise<void> {
    const { options, problems } = validationOptions(this.properties);
    if (problems.length > 0) {
      context.report.addViolation({
        ruleName: 'budget-valid',
        recommendation: `the grpc-drain validation properties in cdk8s.yaml are invalid: ${problems.join(' ')}`,
        fix: 'Correct the properties of the grpc-drain entry under validations: in cdk8s.yaml.',
        violatingResources: [],
      });
      context.report.submit('failure');
      return;
    }
    const objects: ManifestObject[] = [];
    for (const manifest of context.manifests) {
      try {
        for (const object of parseManifestText({ path: manifest, text: readFileSync(manifest, 'utf8') })) objects.push(object);
      } catch (error) {
        const message = error instanceof ManifestParseError || error instanceof Error ? error.message : String(error);
        context.report.addViolation({ ruleName: 'unreadable-manifest', recommendation: message, fix: 'The synthesized manifest cannot be read as YAML.', violatingResources: [] });
        context.report.submit('failure');
        return;
      }
    }
    const report = diagnose(objects, options);
    if (this.properties.printReport !== false && context.stdout !== true) context.logger.log(formatText(report).trimEnd());
    addViolations(context, report);
    const failed = report.errorCount > 0 || (this.properties.failOnWarnings === true && report.warningCount > 0);
    context.report.submit(failed ? 'failure' : 'success', {
      workloads: String(report.workloads.length),
      errors: String(report.errorCount),
      warnings: String(report.warningCount),
    });
  }
}

function addViolations(context: Cdk8sValidationContext, report: DoctorReport): void {
  for (const diagnosis of report.workloads) {
    for (const finding of diagnosis.findings) {
      const fix = [
        ...finding.fix.map((fragment) => `${fragment.action} ${fragment.target.kind} ${fragment.target.namespace}/${fragment.target.name}:\n${fragment.yaml.trimEnd()}`),
        ...(finding.fixNote !== undefined ? [finding.fixNote] : []),
      ].join('\n');
      context.report.addViolation({
        ruleName: `${finding.rule} (${finding.severity})`,
        recommendation: `${finding.message} Symptom it causes: ${finding.symptom}.`,
        fix: fix === '' ? 'See the recommendation.' : fix,
        violatingResources: [
          {
            // cdk8s maps this name to the construct path through its construct metadata
            // (keyed by metadata.name alone: a Deployment and a Service of the same name collide).
            resourceName: finding.object.name,
            locations: [`${finding.field} (${describeLocation(finding.location)})`],
            manifestPath: finding.location.file,
          },
        ],
      });
    }
  }
}
