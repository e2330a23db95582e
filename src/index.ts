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
