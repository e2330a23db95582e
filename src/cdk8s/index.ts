export * from './drain-budget-props';
export * from './grpc-deployment';
export * from './nlb-grpc-service';
