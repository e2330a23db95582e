/**
 * grpc-drain core: the drain model, its rules, the plan, the framework-free renderers and
 * the doctor.
 * Front ends: `grpc-drain/cdk8s`, `grpc-drain/pulumi`; in-process half: `grpc-drain/runtime`.
 */
export * from './model';
export * from './rules';
export * from './plan';
export * from './render';
export * from './doctor';
// The retrofit (issue 13): `ObjectRef` is the doctor's name, so the retrofit's is exported as `RetrofitObjectRef`.
export { checkRetrofitOptions, objectRetrofitter, retrofitManifests } from './retrofit';
export type { KubeObject, ObjectRetrofitter, ObjectRef as RetrofitObjectRef, RetrofitMatch, RetrofitNote, RetrofitOptions, RetrofitResult } from './retrofit';
