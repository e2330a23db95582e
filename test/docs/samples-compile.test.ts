/**
 * Every TypeScript sample in README.md and docs/*.md compiles, as it is written, against the
 * package's own sources (tsconfig.json maps `grpc-drain/*` to src/), through the compiler
 * API in one program. A sample that lists signatures (`declare function …`) is also checked
 * against the real export of that name, so the listing cannot drift from the API.
 */
import { join } from 'node:path';
import * as ts from 'typescript';
import { markdownFiles, ROOT, typescriptSamples, type Sample } from './samples';

/** The real export of every function a listing declares must be assignable to the declaration. */
function withApiChecks(sample: Sample): string {
  const declared = [...sample.code.matchAll(/^declare function (\w+)\(/gm)].map((match) => match[1]);
  if (declared.length === 0) return /^\s*(import|export)\s/m.test(sample.code) ? sample.code : `${sample.code}\nexport {};\n`;
  const module = /from '(grpc-drain[^']*)'/.exec(sample.code)?.[1];
  if (!module) throw new Error(`${sample.where}: a listing must import its types from a grpc-drain module`);
  const checks = declared.map((name) => `export const check_${name}: typeof ${name} = real.${name};`);
  return `${sample.code}\nimport * as real from '${module}';\n${checks.join('\n')}\n`;
}

describe('the TypeScript samples of the README and docs/', () => {
  const samples = markdownFiles().flatMap(typescriptSamples);
  const virtual = new Map(samples.map((sample, index) => [join(ROOT, 'test', 'docs', `.sample-${index}.ts`), { sample, text: withApiChecks(sample) }]));

  it('are there: the cdk8s, Pulumi, retrofit, runtime, target-group, policy-pack and library samples and the runtime API', () => {
    expect(samples.map((sample) => sample.file)).toEqual(['README.md', 'README.md', 'README.md', 'README.md', 'docs/cdk8s.md', 'docs/doctor.md', 'docs/doctor.md', 'docs/pulumi.md', 'docs/retrofit.md', 'docs/runtime.md']);
  });

  it('compile under the repository tsconfig (strict, noUnusedLocals), with no error', () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
    if (!config) throw new Error('tsconfig.json does not parse');
    const options: ts.CompilerOptions = { ...config.options, noEmit: true };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (fileName, language, onError, create) => {
      const entry = virtual.get(fileName);
      return entry ? ts.createSourceFile(fileName, entry.text, language, true) : getSourceFile.call(host, fileName, language, onError, create);
    };
    host.fileExists = (fileName) => virtual.has(fileName) || fileExists.call(host, fileName);
    host.readFile = (fileName) => virtual.get(fileName)?.text ?? readFile.call(host, fileName);
    const program = ts.createProgram([...virtual.keys()], options, host);
    const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const entry = diagnostic.file ? virtual.get(diagnostic.file.fileName) : undefined;
      const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0;
      const where = entry ? `${entry.sample.where} +${line}` : (diagnostic.file?.fileName ?? 'options');
      return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
    expect(errors).toEqual([]);
  }, 180_000);
});
