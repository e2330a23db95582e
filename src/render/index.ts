export * from './env';
export * from './k8s';
export * from './pod';
export * from './service';
export * from './workload';
