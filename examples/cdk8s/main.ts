/** `npx cdk8s synth` (see cdk8s.yaml) runs this file and writes the manifests to dist/. */
import { App } from 'cdk8s';
import { EngineChart } from './engine-chart';

const app = new App();
new EngineChart(app, 'engine', { namespace: 'engine' });
app.synth();
