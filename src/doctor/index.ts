/**
 * grpc-drain doctor: reads Kubernetes manifests written without grpc-drain (Helm output,
 * kustomize builds, YAML by hand), finds every workload behind an AWS load balancer the way
 * the AWS Load Balancer Controller's front door decides it, reconstructs its drain settings,
 * runs the rules of DESIGN.md §4 and says what breaks on the next deploy, why, and a fix
 * that is safe to paste.
 */
export { diagnose, diagnoseManifests, type InputReport } from './doctor';
export { DOCTOR_JSON_VERSION, formatJson } from './format/json';
export { formatSarif, SARIF_FINGERPRINT, SARIF_SOURCE_ROOT, toSarif, type SarifArtifactLocation, type SarifLog, type SarifMessage, type SarifOptions, type SarifResult, type SarifRule, type SarifRun } from './format/sarif';
export { COLOR_STYLE, PLAIN_STYLE, styleFor, type Style } from './format/style';
export { describeLocation, describeProblem, describeRef, formatText, type TextFormatOptions } from './format/text';
export {
  ManifestParseError,
  manifestObjects,
  parseManifestText,
  readManifestText,
  type DocumentSpan,
  type InputNote,
  type InputProblem,
  type ManifestObject,
  type ManifestSource,
  type ReadManifests,
  type SourceLocation,
} from './manifests';
export { parseLbcStringMap, parseLegacyLbcStringMap, type StringMapParse } from './lbc/annotations';
export { doctorOptionsFromText, resolveDoctorOptions, type DoctorOptions, type DoctorTextOptions, type ResolvedDoctorOptions } from './options';
export type { DoctorSettings } from './settings';
export * from './types';
export { isObject, type JsonObject } from './json';
