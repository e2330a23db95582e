/**
 * The framework-free retrofit (issue 13, DESIGN.md §5): manifests someone else wrote and a
 * drain budget in, the same manifests with the plan applied out. Used by the CLI (`grpc-drain
 * retrofit`, a Helm post-renderer and kustomize KRM function), cdk8s `retrofit(scope, …)` and
 * Pulumi `drainTransform`.
 */
export type * from './api';
export { checkRetrofitOptions, MATCH_KEYS, RETROFIT_KINDS, RETROFIT_OPTION_KEYS } from './options';
export { objectRetrofitter } from './object';
export { retrofitManifests, retrofitRead } from './retrofit';
export { prepareRetrofit, type PrepareOptions } from './context';
