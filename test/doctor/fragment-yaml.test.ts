/** Fix fragments read back as the data they were written from, whatever the strings hold. */
import * as fc from 'fast-check';
import { fragmentYaml } from '../../src/doctor/fragment-yaml';
import { safeLoad } from '../../src/doctor/input/js-yaml';

const TRICKY = fc.constantFrom('', ' ', 'true', 'yes', 'On', 'null', '~', '8081', '0x1F', '1e3', '.inf', '2024-01-01', '25%', "it's", '- item', 'a: b', 'a #b', '#x', '{x}', '[x]', '*ref', '&a', '!tag', '|', '>', '@x', '`x`', 'a,b', 'line\nbreak', 'tab\t', '<READINESS_PORT>', '/ready', 'k=v,k2=v2', '"q"');
const STRING = fc.oneof(fc.string({ maxLength: 12 }), TRICKY);
const SCALAR = fc.oneof(STRING, fc.integer(), fc.boolean());
const VALUE: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, SCALAR, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(STRING, tie('value'), { maxKeys: 3 })),
})).value;

describe('fragment YAML', () => {
  it('reads back as the value it was written from', () => {
    fc.assert(
      fc.property(fc.dictionary(STRING, VALUE, { minKeys: 1, maxKeys: 4 }), (value) => {
        expect(safeLoad(fragmentYaml(value))).toEqual(value);
      }),
      { numRuns: 400 },
    );
  });

  it('prints the style kubectl prints, quoting what go-yaml v2 would read as another type', () => {
    expect(fragmentYaml({ spec: { template: { spec: { containers: [{ name: 'api', lifecycle: { preStop: { exec: { command: ['sleep', '20'] } } } }] } } } })).toBe(
      "spec:\n  template:\n    spec:\n      containers:\n        - name: api\n          lifecycle:\n            preStop:\n              exec:\n                command:\n                  - sleep\n                  - '20'\n",
    );
    expect(fragmentYaml({ metadata: { annotations: { 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port': '8081', x: 'yes', y: 'ip' } } })).toBe(
      "metadata:\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-healthcheck-port: '8081'\n    x: 'yes'\n    'y': ip\n",
    );
  });
});
