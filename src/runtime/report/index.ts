export * from './propagation-report';
