// Offline checks of deploy/: renders both kustomizations, validates every object against the
// Kubernetes API schemas, asserts the properties the agent relies on, checks the systemd unit, and checks
// the Grafana dashboard (grafana.js).
// One line per check, then "N passed, M failed". Run through deploy/validate.sh.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const YAML = require('yaml');
const { render, parseStream, toYaml } = require('./render');
const { validateObject } = require('./schema');
const { grafanaChecks } = require('./grafana');

const DEPLOY = path.resolve(__dirname, '..');
const REPO = path.resolve(DEPLOY, '..');
const OUT = path.join(REPO, 'build', 'validate');
const NAMESPACE = 'netscope';
const PORT = 9745;

let passed = 0;
let failed = 0;
let skipped = 0;

function check(description, fn) {
  let detail;
  try {
    detail = fn();
  } catch (e) {
    failed++;
    console.log(`FAIL ${description}: ${e.message}`);
    return false;
  }
  passed++;
  console.log(`ok   ${description}${typeof detail === 'string' ? ` (${detail})` : ''}`);
  return true;
}

function skip(description, reason) {
  skipped++;
  console.log(`skip ${description}: ${reason}`);
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

/** JSON with object keys sorted, so comparisons ignore key order (never list order). */
function canonical(value) {
  return JSON.stringify(value, (_, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
    : v));
}

function equal(actual, expected, what) {
  const a = canonical(actual);
  const e = canonical(expected);
  assert(a === e, `${what} is ${a}, expected ${e}`);
}

/** Path of the first difference between two JSON values, or undefined when they are equal. */
function firstDifference(a, b, where = '') {
  if (canonical(a) === canonical(b)) {
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a)
      ? [...Array(Math.max(a.length, b.length)).keys()]
      : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = firstDifference(a[k], b[k], Array.isArray(a) ? `${where}[${k}]` : `${where}.${k}`);
      if (d !== undefined) {
        return d;
      }
    }
  }
  return `${where || '.'}: ${canonical(a)} vs ${canonical(b)}`;
}

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000, ...options });
  if (r.error) {
    return { ok: false, stdout: '', stderr: r.error.message };
  }
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
}

/** A kustomize that knows `patches:` (v4+): a kustomize binary, or one built into kubectl. */
function findRealKustomize() {
  const version = (text) => /v?(\d+)\.(\d+)\.(\d+)/.exec(text ?? '');
  const k = run('kustomize', ['version']);
  const kv = k.ok ? version(k.stdout) : null;
  if (kv && Number(kv[1]) >= 4) {
    return { label: `kustomize ${kv[0]}`, render: (dir) => run('kustomize', ['build', dir]) };
  }
  const c = run('kubectl', ['version', '--client', '-o', 'json']);
  if (c.ok) {
    let info;
    try {
      info = JSON.parse(c.stdout);
    } catch {
      info = {};
    }
    const cv = version(info.kustomizeVersion);
    if (cv && Number(cv[1]) >= 4) {
      return {
        label: `kubectl ${info.clientVersion?.gitVersion ?? '?'} kustomize ${info.kustomizeVersion}`,
        render: (dir) => run('kubectl', ['kustomize', dir]),
      };
    }
    return { missing: `kubectl ${info.clientVersion?.gitVersion ?? '?'} has no kustomize >= v4` };
  }
  return { missing: 'no kustomize >= v4 or kubectl on PATH' };
}

const find = (objects, kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);

function agentContainer(ds) {
  const containers = ds.spec.template.spec.containers;
  equal(containers.map((c) => c.name), ['agent'], 'container names');
  return containers[0];
}

function commonChecks(variant, objects) {
  const ds = () => {
    const d = find(objects, 'DaemonSet', 'netscope');
    assert(d, 'DaemonSet netscope missing');
    return d;
  };
  const pod = () => ds().spec.template.spec;
  const agent = () => agentContainer(ds());

  check(`${variant}: expected objects present`, () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    equal(names, ['ConfigMap/netscope-config', 'DaemonSet/netscope', 'Namespace/netscope',
      'ResourceQuota/netscope-critical-pods', 'Service/netscope', 'ServiceAccount/netscope'], 'objects');
  });
  check(`${variant}: every namespaced object is in namespace ${NAMESPACE}`, () => {
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
      equal(o.metadata.namespace, NAMESPACE, `${o.kind}/${o.metadata.name} namespace`);
    }
  });
  check(`${variant}: DaemonSet selector matches the pod template labels`, () => {
    const labels = ds().spec.template.metadata.labels;
    for (const [k, v] of Object.entries(ds().spec.selector.matchLabels)) {
      equal(labels[k], v, `template label ${k}`);
    }
    assert(ds().spec.selector.matchExpressions === undefined, 'matchExpressions not expected');
  });
  check(`${variant}: RollingUpdate maxUnavailable 10%, grace period 15 s, system-node-critical`, () => {
    equal(ds().spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } }, 'updateStrategy');
    equal(pod().terminationGracePeriodSeconds, 15, 'terminationGracePeriodSeconds');
    equal(pod().priorityClassName, 'system-node-critical', 'priorityClassName');
  });
  check(`${variant}: hostNetwork with dnsPolicy ClusterFirstWithHostNet, tolerates every taint`, () => {
    equal(pod().hostNetwork, true, 'hostNetwork');
    equal(pod().dnsPolicy, 'ClusterFirstWithHostNet', 'dnsPolicy');
    assert(pod().tolerations.some((t) => t.operator === 'Exists' && t.key === undefined && t.effect === undefined),
      'no toleration {operator: Exists} without key/effect');
  });
  check(`${variant}: ServiceAccount exists, no API token mounted`, () => {
    const sa = find(objects, 'ServiceAccount', pod().serviceAccountName);
    assert(sa, `ServiceAccount ${pod().serviceAccountName} missing`);
    equal(pod().automountServiceAccountToken, false, 'pod automountServiceAccountToken');
  });
  check(`${variant}: args --listen $(POD_IP):${PORT} --config /etc/netscope/config.yaml, POD_IP from status.podIP`, () => {
    equal(agent().args, ['--listen', `$(POD_IP):${PORT}`, '--config', '/etc/netscope/config.yaml'], 'args');
    assert(agent().command === undefined, 'command must stay unset (the image ENTRYPOINT is "netscope run")');
    const podIp = agent().env.find((e) => e.name === 'POD_IP');
    equal(podIp?.valueFrom, { fieldRef: { fieldPath: 'status.podIP' } }, 'POD_IP source');
  });
  check(`${variant}: ConfigMap mounted as a directory at /etc/netscope (no subPath)`, () => {
    const mounts = agent().volumeMounts.filter((m) => m.mountPath.startsWith('/etc/netscope'));
    equal(mounts.length, 1, 'mounts under /etc/netscope');
    const [mount] = mounts;
    equal(mount.mountPath, '/etc/netscope', 'mountPath');
    assert(mount.subPath === undefined && mount.subPathExpr === undefined, 'subPath defeats the ..data symlink swap');
    equal(mount.readOnly, true, 'readOnly');
    const volume = pod().volumes.find((v) => v.name === mount.name);
    assert(volume?.configMap, `volume ${mount.name} is not a ConfigMap volume`);
    assert(volume.configMap.items === undefined, 'items would hide config.yaml changes of other keys');
    const cm = find(objects, 'ConfigMap', volume.configMap.name);
    assert(cm, `ConfigMap ${volume.configMap.name} missing`);
    assert(typeof cm.data?.['config.yaml'] === 'string', 'ConfigMap has no config.yaml key');
  });
  check(`${variant}: config.yaml is valid YAML and sets no listen address`, () => {
    const cm = find(objects, 'ConfigMap', 'netscope-config');
    const doc = YAML.parseDocument(cm.data['config.yaml']);
    assert(doc.errors.length === 0, doc.errors[0]?.message);
    const config = doc.toJS() ?? {};
    assert(config.listen === undefined, 'listen must come from --listen $(POD_IP):9745');
  });
  check(`${variant}: liveness GET /healthz, readiness GET /readyz, both on port ${PORT}`, () => {
    const portOf = (p) => (typeof p === 'number' ? p : agent().ports.find((x) => x.name === p)?.containerPort);
    const live = agent().livenessProbe?.httpGet;
    const ready = agent().readinessProbe?.httpGet;
    equal([live?.path, portOf(live?.port)], ['/healthz', PORT], 'liveness probe');
    equal([ready?.path, portOf(ready?.port)], ['/readyz', PORT], 'readiness probe');
  });
  check(`${variant}: Prometheus scrape annotations on port ${PORT} /metrics`, () => {
    const a = ds().spec.template.metadata.annotations;
    equal([a['prometheus.io/scrape'], a['prometheus.io/port'], a['prometheus.io/path']], ['true', String(PORT), '/metrics'], 'annotations');
  });
  check(`${variant}: resources requests 100m/128Mi, limits 500m/256Mi`, () => {
    equal(agent().resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } }, 'resources');
  });
  check(`${variant}: host mounts bpffs, tracefs, debugfs, BTF (read-only)`, () => {
    const expected = {
      '/sys/fs/bpf': false, '/sys/kernel/tracing': false, '/sys/kernel/debug': false, '/sys/kernel/btf': true,
    };
    for (const [p, readOnly] of Object.entries(expected)) {
      const mount = agent().volumeMounts.find((m) => m.mountPath === p);
      assert(mount, `no mount at ${p}`);
      const volume = pod().volumes.find((v) => v.name === mount.name);
      equal(volume?.hostPath?.path, p, `hostPath of ${p}`);
      equal(mount.readOnly === true, readOnly, `readOnly of ${p}`);
    }
  });
  check(`${variant}: headless Service on ${PORT} named metrics selects the agent pods`, () => {
    const svc = find(objects, 'Service', 'netscope');
    assert(svc, 'Service netscope missing');
    equal(svc.spec.clusterIP, 'None', 'clusterIP');
    equal(svc.spec.ports.map((p) => [p.name, p.port]), [['metrics', PORT]], 'ports');
    const target = svc.spec.ports[0].targetPort;
    equal(agent().ports.find((p) => p.name === target || p.containerPort === target)?.containerPort, PORT, 'targetPort');
    const labels = ds().spec.template.metadata.labels;
    for (const [k, v] of Object.entries(svc.spec.selector)) {
      equal(labels[k], v, `pod label ${k}`);
    }
  });
}

function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const modelsVersion = require('kubernetes-models/package.json').version;
  const variants = ['base', 'least-privilege'];
  const rendered = {};
  const kustomize = findRealKustomize();

  for (const variant of variants) {
    const dir = path.join(DEPLOY, 'kubernetes', variant);
    const ok = check(`render ${variant} (built-in renderer)`, () => {
      rendered[variant] = render(dir);
      fs.writeFileSync(path.join(OUT, `${variant}.yaml`), toYaml(rendered[variant]));
      return `${rendered[variant].length} objects -> build/validate/${variant}.yaml`;
    });
    if (kustomize.missing) {
      skip(`render ${variant} with a real kustomize`, kustomize.missing);
    } else if (ok) {
      check(`render ${variant} with ${kustomize.label}: same objects, same order`, () => {
        const r = kustomize.render(dir);
        assert(r.ok, r.stderr.trim());
        const real = parseStream(r.stdout);
        const mine = rendered[variant];
        equal(real.map((o) => `${o.kind}/${o.metadata?.name}`), mine.map((o) => `${o.kind}/${o.metadata?.name}`), 'objects');
        real.forEach((o, i) => {
          const d = firstDifference(o, mine[i]);
          assert(d === undefined, `${o.kind}/${o.metadata?.name} differs (kustomize vs built-in) at ${d}`);
        });
        // The real output is what clusters get: validate that too, not just the built-in one.
        rendered[variant] = parseStream(r.stdout);
      });
    }
  }

  check('schema validator rejects a misspelled field and a wrong type (self-test)', () => {
    const ds = structuredClone(find(rendered.base ?? [], 'DaemonSet', 'netscope'));
    assert(ds, 'base DaemonSet not rendered');
    ds.spec.template.spec.containers[0].readinesProbe = ds.spec.template.spec.containers[0].readinessProbe;
    ds.spec.template.spec.hostNetwork = 'true';
    const problems = validateObject(ds).join('; ');
    assert(problems.includes('readinesProbe: unknown field'), `misspelled field accepted: ${problems}`);
    assert(problems.includes('hostNetwork must be boolean'), `wrong type accepted: ${problems}`);
  });

  for (const variant of variants) {
    for (const o of rendered[variant] ?? []) {
      check(`${variant}: ${o.apiVersion} ${o.kind} ${o.metadata?.name} matches the Kubernetes schema (kubernetes-models ${modelsVersion})`, () => {
        const problems = validateObject(o);
        assert(problems.length === 0, problems.join('; '));
      });
    }
    if (rendered[variant]) {
      commonChecks(variant, rendered[variant]);
    }
  }

  const base = rendered.base ?? [];
  const lp = rendered['least-privilege'] ?? [];
  const baseAgent = () => agentContainer(find(base, 'DaemonSet', 'netscope'));
  const lpDs = () => find(lp, 'DaemonSet', 'netscope');
  const lpAgent = () => agentContainer(lpDs());

  check('base: agent container runs privileged', () => equal(baseAgent().securityContext?.privileged, true, 'privileged'));
  check('least-privilege: privileged false, allowPrivilegeEscalation false', () => {
    equal(lpAgent().securityContext.privileged, false, 'privileged');
    equal(lpAgent().securityContext.allowPrivilegeEscalation, false, 'allowPrivilegeEscalation');
  });
  check('least-privilege: capabilities drop ALL, add exactly BPF, PERFMON, NET_ADMIN', () => {
    const caps = lpAgent().securityContext.capabilities;
    equal(caps.drop, ['ALL'], 'drop');
    equal([...caps.add].sort(), ['BPF', 'NET_ADMIN', 'PERFMON'], 'add');
  });
  check('least-privilege: readOnlyRootFilesystem, runAsUser 0, seccomp RuntimeDefault', () => {
    const sc = lpAgent().securityContext;
    equal(sc.readOnlyRootFilesystem, true, 'readOnlyRootFilesystem');
    equal(sc.runAsUser, 0, 'runAsUser');
    equal(sc.seccompProfile, { type: 'RuntimeDefault' }, 'seccompProfile');
    const podSc = lpDs().spec.template.spec.securityContext ?? {};
    assert(podSc.runAsNonRoot !== true, 'pod securityContext.runAsNonRoot contradicts runAsUser 0');
  });
  check('least-privilege: writable /tmp emptyDir, TMPDIR=/tmp, DOTNET_gcServer=0', () => {
    const mount = lpAgent().volumeMounts.find((m) => m.mountPath === '/tmp');
    assert(mount && !mount.readOnly, 'no writable mount at /tmp');
    assert(lpDs().spec.template.spec.volumes.find((v) => v.name === mount.name)?.emptyDir, '/tmp is not an emptyDir');
    const env = Object.fromEntries(lpAgent().env.filter((e) => 'value' in e).map((e) => [e.name, e.value]));
    equal([env.TMPDIR, env.DOTNET_gcServer], ['/tmp', '0'], 'TMPDIR, DOTNET_gcServer');
  });
  check('least-privilege: no Bidirectional mount propagation (refused without privileged)', () => {
    for (const m of lpAgent().volumeMounts) {
      assert(m.mountPropagation !== 'Bidirectional', `${m.mountPath} is Bidirectional`);
    }
  });
  check('least-privilege: differs from base only in the DaemonSet', () => {
    for (const o of base.filter((x) => x.kind !== 'DaemonSet')) {
      equal(find(lp, o.kind, o.metadata.name), o, `${o.kind}/${o.metadata.name}`);
    }
  });

  check('systemd/config.yaml equals the ConfigMap config.yaml', () => {
    const cm = find(base, 'ConfigMap', 'netscope-config');
    equal(fs.readFileSync(path.join(DEPLOY, 'systemd', 'config.yaml'), 'utf8'), cm?.data?.['config.yaml'], 'systemd/config.yaml');
  });
  const unitFile = path.join(DEPLOY, 'systemd', 'netscope.service');
  const unit = fs.readFileSync(unitFile, 'utf8');
  const directive = (name) => [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]);
  check('systemd unit: Type=notify, ExecStart with --config, the four capabilities', () => {
    equal(directive('Type'), ['notify'], 'Type');
    equal(directive('ExecStart'), ['/usr/local/bin/netscope run --config /etc/netscope/config.yaml'], 'ExecStart');
    const caps = ['CAP_BPF', 'CAP_NET_ADMIN', 'CAP_PERFMON', 'CAP_SYS_ADMIN'];
    equal(directive('AmbientCapabilities').join(' ').split(/\s+/).sort(), caps, 'AmbientCapabilities');
    equal(directive('CapabilityBoundingSet').join(' ').split(/\s+/).sort(), caps, 'CapabilityBoundingSet');
  });
  const analyze = run('systemd-analyze', ['--version']);
  if (!analyze.ok) {
    skip('systemd-analyze verify netscope.service', 'systemd-analyze not installed');
  } else {
    check('systemd-analyze verify netscope.service (no warnings but the uninstalled binary)', () => {
      const r = run('systemd-analyze', ['verify', '--man=no', unitFile]);
      const lines = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).filter((l) => l
        && !/Command \/usr\/local\/bin\/netscope is not executable/.test(l));
      assert(lines.length === 0, lines.join(' | '));
    });
  }
  check('Dockerfile: ENTRYPOINT netscope run, from the published build/app', () => {
    const dockerfile = fs.readFileSync(path.join(DEPLOY, 'Dockerfile'), 'utf8');
    assert(/^ENTRYPOINT \["\/opt\/netscope\/netscope", "run"\]$/m.test(dockerfile), 'ENTRYPOINT');
    assert(/^COPY --from=\S+ \/src\/build\/app\/? \/opt\/netscope\/?$/m.test(dockerfile), 'COPY of build/app to /opt/netscope');
    assert(/libbpf1/.test(dockerfile), 'runtime stage installs libbpf1');
  });

  grafanaChecks(check, assert, REPO);

  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main();
