/**
 * The doctor reads back GRPC_DRAIN_PRESTOP_SECONDS, the contract variable the runtime dates the
 * deletion with, and notes when it disagrees with the container's preStop sleep.
 */
import { doctorVariant } from './helpers';

function notesWith(env: { name: string; value: string }[] | undefined, preStop?: object): string[] {
  const report = doctorVariant(({ deployment }) => {
    const container = deployment.spec.template.spec.containers[0];
    container.env = [...(container.env ?? []).filter((e: { name: string }) => e.name !== 'GRPC_DRAIN_PRESTOP_SECONDS'), ...(env ?? [])];
    if (preStop !== undefined) container.lifecycle = { preStop };
  });
  return report.workloads[0]!.notes.filter((n) => n.includes('GRPC_DRAIN_PRESTOP_SECONDS'));
}

describe('GRPC_DRAIN_PRESTOP_SECONDS', () => {
  it('says nothing when it matches the sleep, or is absent', () => {
    expect(notesWith([{ name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '20' }], { sleep: { seconds: 20 } })).toEqual([]);
    expect(notesWith([{ name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '20s' }], { exec: { command: ['sleep', '20'] } })).toEqual([]);
    expect(notesWith(undefined, { sleep: { seconds: 20 } })).toEqual([]);
  });

  it('notes a value that disagrees with the sleep, naming both and the fix', () => {
    expect(notesWith([{ name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: '10' }], { sleep: { seconds: 25 } })).toEqual([
      'env GRPC_DRAIN_PRESTOP_SECONDS="10" but the preStop hook sleeps 25s: the runtime dates the deletion 10s before SIGTERM, so its propagation reports are off by 15s; set GRPC_DRAIN_PRESTOP_SECONDS to "25".',
    ]);
  });

  it('notes a value that is not a duration', () => {
    expect(notesWith([{ name: 'GRPC_DRAIN_PRESTOP_SECONDS', value: 'twenty' }], { sleep: { seconds: 20 } })).toEqual([
      'env GRPC_DRAIN_PRESTOP_SECONDS="twenty" is not a duration: the grpc-drain runtime refuses to start with it.',
    ]);
  });
});
