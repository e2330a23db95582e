/**
 * What the doctor shares with the retrofit (src/retrofit, issue 13) and other layers that
 * apply the plan to manifests someone else wrote. Not part of the package's public API (the
 * `grpc-drain` entry point exports `./index`); stable within the repository.
 *
 * The retrofit's path through it:
 *
 * 1. read: {@link readManifestText} gives each object with its {@link DocumentSpan} (the text of
 *    its document and where it starts), to edit the text in place and leave every other byte;
 * 2. find: {@link Inventory} (typed views, last object of each kind/namespace/name) and
 *    {@link pairTargets} (the LBC's front door, {@link frontDoor}; workload ↔ Service port ↔
 *    serving container, {@link servingContainer}; sidecars injected at admission,
 *    {@link admissionSidecars});
 * 3. read the settings: {@link extractSettings} (budget from annotation, env contract,
 *    options; the target group of the Service port, {@link readTargetGroup});
 * 4. decide what may be written: {@link fixSafety} (the container to patch by name, whether the
 *    preStop may be replaced, the endpoints the workload serves, the attributes annotation of
 *    the port and its current pairs), {@link neverShrink}, {@link PLACEHOLDER};
 * 5. plan: {@link fixBudget} and {@link PlanCache} (the budget that keeps the workload's own
 *    sleep, grace period, endpoints and health-check numbers), then render with src/render;
 *    {@link mergeAttributes} writes target-group attributes back in the user's order, escaped
 *    as the LBC reads them.
 */
export { admissionSidecars, isPlaceholderImage, isSidecarName, servingContainer, type AdmissionSidecar, type ServingContainer } from './containers';
export { readContract, type ContractValues } from './contract';
// The one exec-sleep parser and the LBC version gates live in src/model (shared with the rules).
export { execDelay, LBC_FEATURES, lbcBefore, parseExecSleep, type ExecDelay } from '../model';
export { extractSettings, type Extraction } from './extract';
export { fixBudget, mergeAttributes, PLACEHOLDER, PlanCache, type SleepMode } from './fix';
export { fixSafety, neverShrink, type FixSafety, type Permission, type ServedEndpoint } from './fix-safety';
export { Inventory } from './inventory';
export { parseLbcStringMap, parseLegacyLbcStringMap, perPortAttributesAnnotation, READ_ANNOTATION, type StringMapParse } from './lbc/annotations';
export { frontDoor, PROVISIONER_NAME, type FrontDoor, type FrontDoorOptions, type Provisioner } from './lbc/front-door';
export { readBindingTargetGroup, readTargetGroup, type AttributeSources, type ReadHealthCheck, type TargetGroupSettings } from './lbc/target-group';
export { listItems, manifestObjects, readManifestText, type DocumentSpan, type ManifestObject, type ReadManifests } from './manifests';
export { resolveDoctorOptions, type ResolvedDoctorOptions } from './options';
export { containerWithoutService, pairTargets, resolvePort, type Frontend, type Pairing, type Target } from './pairing';
export { findingPlace, type FindingPlace } from './place';
export type { DoctorSettings } from './settings';
export { readView } from './views/read';
export type * from './views/types';
