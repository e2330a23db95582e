import { BUDGET_ANNOTATION, type Finding } from '../model';
import type { FieldPath } from './input/locate';
import { READ_ANNOTATION } from './lbc/annotations';
import type { SourceLocation } from './manifests';
import type { Target } from './pairing';
import type { ObjectRef } from './types';

/** Health-check fields of the settings → the annotation that sets them. */
const HEALTH_CHECK_ANNOTATION: Readonly<Record<string, string>> = {
  'healthCheck.protocol': READ_ANNOTATION.healthCheckProtocol,
  'healthCheck.port': READ_ANNOTATION.healthCheckPort,
  'healthCheck.portName': READ_ANNOTATION.healthCheckPort,
  'healthCheck.path': READ_ANNOTATION.healthCheckPath,
  'healthCheck.intervalSeconds': READ_ANNOTATION.healthCheckInterval,
  'healthCheck.timeoutSeconds': READ_ANNOTATION.healthCheckTimeout,
  'healthCheck.healthyThreshold': READ_ANNOTATION.healthCheckHealthyThreshold,
  'healthCheck.unhealthyThreshold': READ_ANNOTATION.healthCheckUnhealthyThreshold,
  'healthCheck.successCodes': READ_ANNOTATION.healthCheckSuccessCodes,
};

const TARGET_GROUP_FIELDS: ReadonlySet<string> = new Set(['deregistrationDelaySeconds', 'connectionTermination', 'unhealthyConnectionTermination', 'unhealthyDrainingIntervalSeconds', 'perPortTargetGroupAttributes']);

/** The object that holds a finding's setting, and where in the source the setting is. */
export interface FindingPlace {
  readonly object: ObjectRef;
  readonly location: SourceLocation;
}

/** Where a finding points: the field of the workload, the Service annotation, or the binding. */
export function findingPlace(finding: Finding, target: Target): FindingPlace {
  const { workload, serving, frontend } = target;
  const containerPath: FieldPath = serving.container?.path ?? ['spec', 'template', 'spec', 'containers', 0];
  const onWorkload = (path: FieldPath): FindingPlace => ({
    object: { kind: workload.kind, namespace: workload.namespace, name: workload.name },
    location: workload.manifest.locate?.(path) ?? workload.manifest.location,
  });
  const onFrontend = (path: FieldPath): FindingPlace => {
    if (!frontend) return onWorkload([]);
    const holder = frontend.binding ?? frontend.service;
    return { object: { kind: holder.kind, namespace: holder.namespace, name: holder.name }, location: holder.manifest.locate?.(path) ?? holder.manifest.location };
  };
  const annotation = (key: string): FieldPath => (frontend?.binding ? [] : ['metadata', 'annotations', key]);
  const field = finding.field;
  if (field === 'preStop' || field === 'preStop.seconds') return onWorkload([...containerPath, 'lifecycle', 'preStop']);
  if (field === 'terminationGracePeriodSeconds') return onWorkload(['spec', 'template', 'spec', 'terminationGracePeriodSeconds']);
  if (field === 'readinessProbe' || field === 'livenessProbe') return onWorkload([...containerPath, field]);
  if (field === 'rollout.strategy') return onWorkload(['spec', workload.kind === 'StatefulSet' ? 'updateStrategy' : 'strategy']);
  if (field === 'rollout.maxUnavailable') return onWorkload(['spec', 'strategy', 'rollingUpdate', 'maxUnavailable']);
  if (field === 'rollout.minReadySeconds') return onWorkload(['spec', 'minReadySeconds']);
  if (field.startsWith(`metadata.annotations.${BUDGET_ANNOTATION}`)) return onWorkload(['spec', 'template', 'metadata', 'annotations', BUDGET_ANNOTATION]);
  if (field.startsWith('healthCheck')) return onFrontend(annotation(HEALTH_CHECK_ANNOTATION[field] ?? READ_ANNOTATION.healthCheckProtocol));
  if (TARGET_GROUP_FIELDS.has(field)) {
    const key = frontend?.targetGroup.attributeSources.perPortAnnotation ?? READ_ANNOTATION.targetGroupAttributes;
    return onFrontend(annotation(key));
  }
  if (field === 'targetType') return onFrontend(frontend?.binding ? ['spec', 'targetType'] : annotation(READ_ANNOTATION.targetType));
  return onWorkload([]);
}
