import { parseExecSleep } from 'grpc-drain';

describe('parseExecSleep: an exec preStop counts as a delay only when it really runs sleep N', () => {
  it.each<[readonly string[], number]>([
    [['sleep', '30'], 30],
    [['/bin/sleep', '30'], 30],
    [['/usr/bin/sleep', '20s'], 20],
    [['sleep', '1m'], 60],
    [['sleep', '0.5'], 1],
    [['sleep', '0'], 0],
    [['busybox', 'sleep', '15'], 15],
    [['/bin/busybox', 'sleep', '15'], 15],
    [['sh', '-c', 'sleep 30'], 30],
    [['/bin/sh', '-c', 'sleep 30'], 30],
    [['bash', '-c', '  sleep 30;  '], 30],
    [['/bin/sh', '-c', 'exec sleep 30'], 30],
    [['/bin/ash', '-c', '/bin/sleep 2h'], 7200],
  ])('%j sleeps %ds', (command, seconds) => {
    expect(parseExecSleep(command)).toBe(seconds);
  });

  it.each<[string, readonly string[]]>([
    ['echo prints it', ['echo', 'sleep', '30']],
    ['a comment', ['sh', '-c', '# sleep 30']],
    ['timeout cuts it to 1s', ['timeout', '1', 'sleep', '60']],
    ['sh -c echo', ['sh', '-c', 'echo sleep 30']],
    ['a variable', ['sleep', '$DELAY']],
    ['sleep infinity (waits for the grace period, not a number)', ['sleep', 'infinity']],
    ['backgrounded', ['sh', '-c', 'sleep 30 &']],
    ['a script that does more', ['sh', '-c', 'sleep 30 && kill -TERM 1']],
    ['one argument holding a shell line (no shell runs it)', ['sleep 30']],
    ['sh -c with the seconds as $0', ['sh', '-c', 'sleep', '30']],
    ['two arguments (GNU adds them, busybox may not)', ['sleep', '10', '20']],
    ['a negative number', ['sleep', '-5']],
    ['an exponent', ['sleep', '1e3']],
    ['an app script', ['/wait-shutdown']],
    ['nginx quit', ['/usr/sbin/nginx', '-s', 'quit']],
    ['a relative sleep path', ['./sleep', '30']],
    ['a binary named like sleep', ['/bin/nosleep', '30']],
    ['an empty command', []],
  ])('%s: unknown', (_why, command) => {
    expect(parseExecSleep(command)).toBeUndefined();
  });
});
