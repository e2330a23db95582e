export * from './budget';
export * from './contract';
export * from './findings';
export * from './kubernetes-version';
export * from './lbc';
export * from './limits';
export * from './settings';
