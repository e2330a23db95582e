import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';

type Validator = (manifest: Record<string, unknown>) => void;

const VALIDATORS: Record<string, Validator> = {
  'apps/v1/Deployment': (m) => new Deployment(m as never).validate(),
  'apps/v1/StatefulSet': (m) => new StatefulSet(m as never).validate(),
  'policy/v1/PodDisruptionBudget': (m) => new PodDisruptionBudget(m as never).validate(),
  'v1/Namespace': (m) => new Namespace(m as never).validate(),
  'v1/Service': (m) => new Service(m as never).validate(),
};

/** Validates a manifest against the Kubernetes OpenAPI schema (kubernetes-models); throws on a violation. */
export function validateManifest(manifest: Record<string, unknown>): void {
  const key = `${String(manifest.apiVersion)}/${String(manifest.kind)}`;
  const validate = VALIDATORS[key];
  if (!validate) throw new Error(`no schema for ${key}`);
  validate(manifest);
}
