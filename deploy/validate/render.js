// A small kustomize for the features deploy/kubernetes uses, so the manifests render where no
// kustomize >= v4 exists (Debian 12 ships kubectl 1.20 with kustomize v2.0.3, which has no
// `patches:` field). validate.js compares its output with a real kustomize whenever one is on
// PATH. Anything outside the supported subset is an error, never silently ignored.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'patches', 'images']);

// Cluster-scoped kinds this renderer knows; the `namespace:` field leaves them alone.
const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'StorageClass', 'PersistentVolume',
  'CustomResourceDefinition', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'RuntimeClass', 'CSIDriver', 'IngressClass',
]);

// Strategic-merge keys of the associative lists a pod template has (k8s.io/api patchMergeKey tags).
// Lists not named here (args, tolerations, capabilities.add, ...) are replaced by the patch's list.
const MERGE_KEYS = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
};

// kustomize's default ("legacy") output order: these kinds first, in this order, then the rest by
// kind name, with webhook configurations last.
const KIND_ORDER = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount',
  'PodSecurityPolicy', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret',
  'Endpoints', 'Service', 'LimitRange', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'Deployment', 'StatefulSet', 'CronJob', 'PodDisruptionBudget',
];
const KIND_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function fail(message) {
  throw new Error(`render: ${message}`);
}

function readYamlDocs(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      fail(`${file}: ${doc.errors[0].message}`);
    }
    const value = doc.toJS();
    if (value !== null && value !== undefined) {
      objects.push(value);
    }
  }
  return objects;
}

function findKustomization(dir) {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) {
      return file;
    }
  }
  return fail(`${dir}: no kustomization.yaml`);
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function strategicMerge(base, patch, fieldName) {
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[fieldName];
    if (!key || !Array.isArray(base)) {
      return structuredClone(patch);
    }
    // Same order as kustomize (kyaml merge2): the patch's items first, merged with their
    // counterparts, then the base items the patch does not name.
    const merged = [];
    const named = new Set();
    for (const item of patch) {
      if (!isPlainObject(item) || item[key] === undefined) {
        fail(`patch list '${fieldName}' has an item without its merge key '${key}'`);
      }
      named.add(item[key]);
      const original = base.find((b) => isPlainObject(b) && b[key] === item[key]);
      merged.push(original ? strategicMerge(original, item, undefined) : structuredClone(item));
    }
    for (const item of base) {
      if (!isPlainObject(item) || !named.has(item[key])) {
        merged.push(structuredClone(item));
      }
    }
    return merged;
  }
  if (isPlainObject(patch)) {
    const result = isPlainObject(base) ? structuredClone(base) : {};
    for (const [name, value] of Object.entries(patch)) {
      if (name.startsWith('$')) {
        fail(`patch directive '${name}' is not supported`);
      }
      if (value === null) {
        delete result[name];
      } else {
        result[name] = strategicMerge(result[name], value, name);
      }
    }
    return result;
  }
  return structuredClone(patch);
}

function splitImage(image) {
  // name[:tag][@digest]; a ':' before the last '/' belongs to a registry port.
  let rest = image;
  let digest;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}

function applyImages(object, images) {
  const visit = (node, key) => {
    if (Array.isArray(node)) {
      node.forEach((item) => visit(item, key));
      return;
    }
    if (!isPlainObject(node)) {
      return;
    }
    if (['containers', 'initContainers', 'ephemeralContainers'].includes(key) && typeof node.image === 'string') {
      const parts = splitImage(node.image);
      const rule = images.find((i) => i.name === parts.name);
      if (rule) {
        const name = rule.newName ?? parts.name;
        if (rule.digest) {
          node.image = `${name}@${rule.digest}`;
        } else {
          const tag = rule.newTag ?? parts.tag;
          node.image = name + (tag ? `:${tag}` : '') + (!rule.newTag && parts.digest ? `@${parts.digest}` : '');
        }
      }
    }
    for (const [childKey, child] of Object.entries(node)) {
      visit(child, childKey);
    }
  };
  visit(object, undefined);
}

function kindRank(kind) {
  const first = KIND_ORDER.indexOf(kind);
  if (first >= 0) {
    return [0, first];
  }
  const last = KIND_LAST.indexOf(kind);
  return last >= 0 ? [2, last] : [1, 0];
}

function sortLikeKustomize(objects) {
  const id = (o) => [o.apiVersion ?? '', o.metadata?.namespace ?? '', o.metadata?.name ?? ''].join('\u0000');
  return [...objects].sort((a, b) => {
    const [ga, ia] = kindRank(a.kind);
    const [gb, ib] = kindRank(b.kind);
    if (ga !== gb) return ga - gb;
    if (ia !== ib) return ia - ib;
    if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
    const ka = id(a);
    const kb = id(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Renders the kustomization in `dir` to a list of objects. */
function render(dir) {
  const kustomizationFile = findKustomization(dir);
  const [k] = readYamlDocs(kustomizationFile);
  for (const field of Object.keys(k ?? {})) {
    if (!SUPPORTED_FIELDS.has(field)) {
      fail(`${kustomizationFile}: field '${field}' is not supported by this renderer`);
    }
  }
  if (k.kind !== undefined && k.kind !== 'Kustomization') {
    fail(`${kustomizationFile}: kind must be Kustomization`);
  }

  let objects = [];
  for (const entry of k.resources ?? []) {
    const target = path.resolve(dir, entry);
    if (!fs.existsSync(target)) {
      fail(`${kustomizationFile}: resource '${entry}' does not exist`);
    }
    objects.push(...(fs.statSync(target).isDirectory() ? render(target) : readYamlDocs(target)));
  }
  const ids = new Set();
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    if (ids.has(id)) {
      fail(`${kustomizationFile}: duplicate resource ${id}`);
    }
    ids.add(id);
  }

  for (const entry of k.patches ?? []) {
    if (!isPlainObject(entry) || (entry.path === undefined) === (entry.patch === undefined)) {
      fail(`${kustomizationFile}: each patch needs exactly one of 'path' or 'patch'`);
    }
    if (entry.target !== undefined || entry.options !== undefined) {
      fail(`${kustomizationFile}: patch 'target'/'options' are not supported by this renderer`);
    }
    const patchDocs = entry.path !== undefined
      ? readYamlDocs(path.resolve(dir, entry.path))
      : YAML.parseAllDocuments(entry.patch).map((d) => d.toJS()).filter((d) => d);
    for (const patch of patchDocs) {
      if (Array.isArray(patch)) {
        fail(`${kustomizationFile}: JSON6902 patches are not supported by this renderer`);
      }
      const matches = objects.filter((o) => o.kind === patch.kind
        && o.metadata?.name === patch.metadata?.name
        && (patch.metadata?.namespace === undefined || o.metadata?.namespace === patch.metadata.namespace));
      if (matches.length !== 1) {
        fail(`${kustomizationFile}: patch for ${patch.kind}/${patch.metadata?.name} matches ${matches.length} resources`);
      }
      const index = objects.indexOf(matches[0]);
      objects[index] = strategicMerge(matches[0], patch, undefined);
    }
  }

  if (k.namespace !== undefined) {
    objects = objects.map((o) => {
      const copy = structuredClone(o);
      copy.metadata = copy.metadata ?? {};
      if (copy.kind === 'Namespace') {
        copy.metadata.name = k.namespace;
      } else if (!CLUSTER_SCOPED.has(copy.kind)) {
        copy.metadata.namespace = k.namespace;
      }
      return copy;
    });
  }

  if (k.images !== undefined) {
    objects.forEach((o) => applyImages(o, k.images));
  }

  return sortLikeKustomize(objects);
}

/** Parses a rendered multi-document YAML stream (e.g. `kubectl kustomize` output). */
function parseStream(text) {
  return YAML.parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) {
      fail(d.errors[0].message);
    }
    return d.toJS();
  }).filter((o) => o !== null && o !== undefined);
}

function toYaml(objects) {
  return objects.map((o) => YAML.stringify(o, { sortMapEntries: true, lineWidth: 0, indentSeq: false })).join('---\n');
}

module.exports = { render, parseStream, toYaml, strategicMerge };

if (require.main === module) {
  process.stdout.write(toYaml(render(path.resolve(process.argv[2] ?? '.'))));
}
