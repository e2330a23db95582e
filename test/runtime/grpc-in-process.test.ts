/**
 * The grpc-js behaviours the runtime relies on, checked against the installed grpc-js with
 * a real client in this process: the 'cancelled' event that ends a unary call's count, and
 * the `register` that `addService` goes through.
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createDrain, type Drain } from 'grpc-drain/runtime';
import { loadClient } from './child-server';

const PROTO = path.join(__dirname, 'fixtures', 'drain-fixture.proto');
const Fixture = loadClient(PROTO, 'fixture.Fixture');

let server: grpc.Server;
let drain: Drain;
let client: grpc.Client & { Slow: (req: object, cb: (e: grpc.ServiceError | null, r: object) => void) => void; Watch: (req: object) => grpc.ClientReadableStream<unknown> };
let observed: { during: number[] } = { during: [] };

beforeAll(async () => {
  server = new grpc.Server();
  drain = createDrain(server, { env: {}, drainTimeoutSeconds: 1, exit: false, handleSignals: false, logger: false, healthPort: 0, healthHost: '127.0.0.1' });
  server.addService(Fixture.service, {
    Slow(call: grpc.ServerUnaryCall<{ delayMs: number }, object>, callback: grpc.sendUnaryData<object>) {
      observed.during.push(drain.openCalls);
      setTimeout(() => {
        observed.during.push(drain.openCalls);
        callback(null, { waitedMs: call.request.delayMs });
      }, call.request.delayMs);
    },
    Watch(call: grpc.ServerWritableStream<object, object>) {
      observed.during.push(drain.openCalls);
      call.write({ n: 1 });
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  client = new Fixture(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as typeof client;
});

afterAll(async () => {
  client.close();
  await drain.shutdown();
});

beforeEach(() => {
  observed = { during: [] };
});

it('counts a unary call from its handler to its answer', async () => {
  await new Promise((resolve, reject) => client.Slow({ delayMs: 50 }, (e, r) => (e ? reject(e) : resolve(r))));
  expect(observed.during).toEqual([1, 1]);
  expect(drain.openCalls).toBe(0);
});

it('counts a stream until the client cancels it', async () => {
  const stream = client.Watch({ track: false });
  stream.on('error', () => undefined); // CANCELLED, below
  await new Promise((resolve) => stream.once('data', resolve));
  expect(drain.openCalls).toBe(1);
  stream.cancel();
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (drain.openCalls === 0) {
        clearInterval(check);
        resolve();
      }
    }, 5);
  });
  expect(drain.openCalls).toBe(0);
});
