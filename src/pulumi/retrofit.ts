// The plain-JSON helpers moved to the framework-free retrofit layer (src/retrofit/plain.ts); re-exported here so that
// grpc-drain/pulumi and drainTransform keep their names until drainTransform is rewritten on src/retrofit (issue 13).
export * from '../retrofit/plain';
