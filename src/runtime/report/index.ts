export * from './propagation-report';
export * from './read-reports';
export * from './statistics';
