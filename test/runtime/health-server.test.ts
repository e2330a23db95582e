import * as http from 'node:http';
import { HealthServer } from '../../src/runtime/health-server';
import { probe } from './child-server';

function request(port: number, method: string, path: string): Promise<{ status: number | undefined; body: string; allow: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body, allow: res.headers.allow }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HealthServer', () => {
  let ready = true;
  const server = new HealthServer({ port: 0, host: '127.0.0.1', readinessPath: '/ready', livenessPath: '/live', isReady: () => ready });
  let port = 0;
  beforeAll(async () => {
    port = (await server.listen()).port;
  });
  afterAll(() => server.close());

  it.each([
    ['GET', '/ready', true, 200, 'ready\n'],
    ['GET', '/ready', false, 503, 'draining\n'],
    ['GET', '/ready?verbose=1', false, 503, 'draining\n'],
    ['HEAD', '/ready', true, 200, ''],
    ['GET', '/live', false, 200, 'live\n'],
    ['GET', '/', true, 404, 'not found\n'],
    ['GET', '/readyz', true, 404, 'not found\n'],
    ['POST', '/live', true, 405, 'method not allowed\n'],
  ])('%s %s (ready: %s) → %d', async (method, path, isReady, status, body) => {
    ready = isReady;
    expect(await request(port, method, path)).toMatchObject({ status, body });
  });

  it('reads readiness on every request', async () => {
    ready = true;
    expect((await probe(port, '/ready')).status).toBe(200);
    ready = false;
    expect((await probe(port, '/ready')).status).toBe(503);
  });

  it('listens once and reports its address', async () => {
    expect(await server.listen()).toEqual({ address: '127.0.0.1', port, readinessPath: '/ready', livenessPath: '/live' });
    expect(server.address?.port).toBe(port);
  });

  it('closes even with a keep-alive connection open, and refuses after', async () => {
    const other = new HealthServer({ port: 0, host: '127.0.0.1', readinessPath: '/ready', livenessPath: '/live', isReady: () => true });
    const { port: otherPort } = await other.listen();
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve) => http.get({ host: '127.0.0.1', port: otherPort, path: '/live', agent }, (res) => res.resume().on('end', () => resolve())));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await probe(otherPort, '/live')).error).toBe('ECONNREFUSED');
    agent.destroy();
  });
});
