import { execDelay, parseExecSleep } from 'grpc-drain';

/**
 * The one exec-sleep parser (src/model/exec-sleep.ts): the union of the tables of the plan's
 * strict reader and the doctor's shell reader it replaces. Where they disagreed the source of
 * the behaviour decides: a backgrounded sleep or `echo sleep 30` waits for nothing (0 s, not
 * unknown); `sleep 30 && kill …` sleeps 30 s first; GNU and busybox (FEATURE_FANCY_SLEEP, its
 * default) add several arguments up.
 */
describe('parseExecSleep: an exec preStop counts as a delay only when it really runs sleep N', () => {
  it.each<[readonly string[], number]>([
    [['sleep', '30'], 30],
    [['/bin/sleep', '30'], 30],
    [['/usr/bin/sleep', '20s'], 20],
    [['/bin/sleep', '15s'], 15],
    [['sleep', '1m'], 60],
    [['sleep', '0.5'], 1],
    [['sh', '-c', 'sleep 2.5'], 3],
    [['sleep', '0'], 0],
    [['busybox', 'sleep', '15'], 15],
    [['/bin/busybox', 'sleep', '15'], 15],
    [['busybox', 'sleep', '1m'], 60],
    [['sh', '-c', 'sleep 30'], 30],
    [['/bin/sh', '-c', 'sleep 30'], 30],
    [['bash', '-c', '  sleep 30;  '], 30],
    [['/bin/sh', '-c', 'exec sleep 30'], 30],
    [['/bin/ash', '-c', '/bin/sleep 2h'], 7200],
    [['sleep', '1m', '30s'], 90],
    [['sleep', '10', '20'], 30],
    // A sleep, then something else: the sleep is the delay (the rest may stop the server).
    [['sh', '-c', 'sleep 20; stop.sh'], 20],
    [['sh', '-c', 'sleep 5 && nginx -s quit'], 5],
    [['sh', '-c', 'sleep 30 && kill -TERM 1'], 30],
    [['bash', '-c', 'echo draining; sleep 10; sleep 2'], 12],
    [['/bin/bash', '-ec', 'sleep 20\n/opt/bitnami/scripts/stop.sh'], 20],
    // Not a delay: a word, a comment, a background job.
    [['echo', 'sleep', '30'], 0],
    [['sh', '-c', '# sleep 30'], 0],
    [['sh', '-c', 'echo sleep 30'], 0],
    [['sh', '-c', 'sleep 30 &'], 0],
  ])('%j sleeps %ds', (command, seconds) => {
    expect(parseExecSleep(command)).toBe(seconds);
  });

  it.each<[string, readonly unknown[]]>([
    ['timeout cuts it to 1s', ['timeout', '1', 'sleep', '60']],
    ['a variable', ['sleep', '$DELAY']],
    ['a variable in a script', ['sh', '-c', 'sleep $DELAY']],
    ['a quoted variable', ['sh', '-c', 'sleep "$DELAY"']],
    ['sleep infinity (waits for the grace period, not a number)', ['sleep', 'infinity']],
    ['one argument holding a shell line (no shell runs it)', ['sleep 30']],
    ['sh -c with the seconds as $0', ['sh', '-c', 'sleep', '30']],
    ['a negative number', ['sleep', '-5']],
    ['an exponent', ['sleep', '1e3']],
    ['an app script', ['/wait-shutdown']],
    ['an app binary', ['/app/shutdown']],
    ['nginx quit', ['/usr/sbin/nginx', '-s', 'quit']],
    ['a relative sleep path', ['./sleep', '30']],
    ['a binary named like sleep', ['/bin/nosleep', '30']],
    ['a script running a binary named like sleep', ['sh', '-c', 'nosleep 5']],
    ['an empty command', []],
    ['a part that is not a string', ['sleep', 30]],
  ])('%s: unknown', (_why, command) => {
    expect(parseExecSleep(command)).toBeUndefined();
  });

  it('says what runs after the sleep, and why a delay is unknown', () => {
    expect(execDelay(['sh', '-c', 'sleep 5 && nginx -s quit'])).toEqual({ kind: 'sleep', seconds: 5, then: 'runs nginx -s quit' });
    expect(execDelay(['/wait-shutdown'])).toEqual({ kind: 'unknown', reason: 'it runs /wait-shutdown, whose duration cannot be known from the manifest' });
    expect(execDelay(['sleep', 'infinity'])).toEqual({ kind: 'unknown', reason: 'sleep infinity has no literal duration' });
  });
});
