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
  doctorOptionsFromText,
  formatText,
  ManifestParseError,
  parseManifestText,
  type DoctorReport,
  type DoctorTextOptions,
  type ManifestObject,
} from '../../doctor';

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
 * `grpc-drain.dev/budget` annotation, and how the plugin reports.
 */
export interface GrpcDrainValidationProperties extends DoctorTextOptions {
  /** Fail the synth on warnings too. @default false */
  readonly failOnWarnings?: boolean;
  /** Print the doctor's text report during the synth. @default true */
  readonly printReport?: boolean;
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
    const { options, problems } = doctorOptionsFromText(this.properties);
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
