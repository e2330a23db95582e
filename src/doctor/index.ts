/**
 * grpc-drain doctor: reads Kubernetes manifests written without grpc-drain (Helm output,
 * kustomize builds, YAML by hand), reconstructs the drain settings of every gRPC workload
 * behind an AWS NLB, runs the rules of DESIGN.md §4 and says what breaks on the next
 * deploy, why, and the fix as a YAML fragment.
 */
export { diagnose, diagnoseManifests } from './doctor';
export { DOCTOR_JSON_VERSION, formatJson } from './format/json';
export { formatSarif, SARIF_FINGERPRINT, SARIF_SOURCE_ROOT, toSarif, type SarifArtifactLocation, type SarifLog, type SarifMessage, type SarifOptions, type SarifResult, type SarifRule, type SarifRun } from './format/sarif';
export { COLOR_STYLE, PLAIN_STYLE, styleFor, type Style } from './format/style';
export { describeLocation, describeRef, formatText, type TextFormatOptions } from './format/text';
export { ManifestParseError, manifestObjects, parseManifestText, type ManifestObject, type ManifestSource, type SourceLocation } from './manifests';
export { execSleepSeconds } from './pod';
export { parseLbcStringMap } from './nlb';
export { doctorOptionsFromText, resolveDoctorOptions, type DoctorOptions, type DoctorTextOptions, type ResolvedDoctorOptions } from './options';
export * from './types';
export { isObject, type JsonObject } from './json';
