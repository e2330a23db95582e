export * from './drain-budget-props';
export * from './grpc-deployment';
export * from './nlb-grpc-service';
export * from './retrofit';
export type { ObjectRef, RetrofitMatch, RetrofitNote } from '../retrofit';
