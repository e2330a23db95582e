export * from './derive';
export * from './drain-budget-error';
export * from './plan';
export * from './resolve-budget';
export * from './target-group-attributes';
export * from './timeline';
