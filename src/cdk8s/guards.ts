import type { Construct, IConstruct } from 'constructs';
import type { Finding } from '../model';

/**
 * Fails the synth (`app.synth()`, `Testing.synth`: cdk8s runs every node's validations
 * first) on each finding `check` returns: for what the plan owns and the construct's
 * mutable API could still change after construction (a contract variable added with
 * `env.addVariable`, a Service annotation with `metadata.addAnnotation`).
 */
export function addPlanValidation(construct: IConstruct, check: () => readonly Finding[]): void {
  construct.node.addValidation({ validate: () => check().map((finding) => `[${finding.rule}] ${finding.field}: ${finding.message}`) });
}

/**
 * After a failed `super()` (or a later step of the constructor), takes the half-built
 * construct back out of `scope`, so a caught error leaves the tree as it was. `existing` is
 * what `scope` held under `id` before: a duplicate id fails in `super()` and must not remove
 * the construct that was there first.
 */
export function removeHalfBuilt(scope: Construct, id: string, existing: IConstruct | undefined): void {
  if (existing === undefined) scope.node.tryRemoveChild(id);
}
