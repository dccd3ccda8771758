// Checks deploy/grafana/netscope-dashboard.json (run by validate.js):
//  - against Grafana's own schema: @grafana/schema ships the dashboard and panel-config types generated from
//    Grafana's CUE schema, so the TypeScript compiler checks the JSON against them (the dashboard model, and
//    each panel's options and field config against its panel plugin's types);
//  - every PromQL metric name exists in docs/metrics.md (histograms with _bucket/_sum/_count);
//  - every $variable used is defined, the datasource is the ${datasource} variable everywhere, and the
//    panels the product promises (latency/RTT heatmaps, flood panels) are there.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

// Panel plugins whose config types @grafana/schema exports, by panel type; fieldConfig: whether the plugin
// has custom field config (fieldConfig.defaults.custom) in its schema.
const PANEL_SCHEMAS = {
  heatmap: { module: 'heatmap/panelcfg/x/HeatmapPanelCfg_types.gen', fieldConfig: true },
  timeseries: { module: 'timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen', fieldConfig: true },
  stat: { module: 'stat/panelcfg/x/StatPanelCfg_types.gen', fieldConfig: false },
};

// Grafana's built-in variables (always defined).
const BUILTIN_VARIABLES = new Set(['__rate_interval', '__interval', '__interval_ms', '__range', '__range_s', '__all', '__dashboard', '__from', '__to']);

/** Every panel, with the panels nested in collapsed rows. */
function allPanels(dashboard) {
  return (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
}

/**
 * Type-checks the dashboard against @grafana/schema and returns the errors ("where: message"). The JSON
 * is written into a virtual TypeScript file as typed constants; string enums of the schema are compared
 * by value (Json<T> below), as Grafana reads them from JSON.
 */
function schemaErrors(dashboard) {
  const lines = [
    "import type { Dashboard } from '@grafana/schema';",
    ...Object.entries(PANEL_SCHEMAS).map(([type, { module }]) => `import type * as ${type} from '@grafana/schema/dist/esm/raw/composable/${module}';`),
    '// A schema type as it reads from JSON: string enums become the union of their values.',
    'type Json<T> = T extends string ? `${T}` : T extends number | boolean | null | undefined ? T'
      + ' : T extends ReadonlyArray<infer U> ? Array<Json<U>> : T extends object ? { [K in keyof T]: Json<T[K]> } : T;',
  ];
  // Each constant is pretty-printed, so an error's line shows the offending JSON member.
  const starts = [];
  const constant = (label, type, value) => {
    starts.push({ line: lines.length, label });
    lines.push(...`export const c${lines.length}: ${type} = ${JSON.stringify(value, null, 2)};`.split('\n'));
  };
  const where = (line) => {
    const start = starts.findLast((s) => s.line <= line);
    return start ? `${start.label} at ${lines[line].trim().replace(/,$/, '')}` : `line ${line + 1}`;
  };
  const errors = [];
  constant('dashboard', 'Json<Dashboard>', dashboard);
  for (const panel of allPanels(dashboard)) {
    const label = `panel ${panel.id} "${panel.title}"`;
    if (panel.type === 'row') {
      continue;
    }
    if (!(panel.type in PANEL_SCHEMAS)) {
      errors.push(`${label}: panel type ${panel.type} has no schema here; add it to PANEL_SCHEMAS in grafana.js`);
      continue;
    }
    constant(`${label} options`, `Json<${panel.type}.Options>`, panel.options ?? {});
    // A plugin without custom field config takes none: {} is the only value its schema allows.
    constant(`${label} fieldConfig.defaults.custom`, PANEL_SCHEMAS[panel.type].fieldConfig ? `Json<${panel.type}.FieldConfig>` : 'Record<string, never>',
      panel.fieldConfig?.defaults?.custom ?? {});
  }

  // The virtual file sits in this folder so that '@grafana/schema' resolves from its node_modules.
  const file = path.join(__dirname, '__dashboard_check.ts');
  const text = lines.join('\n');
  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) => (path.resolve(name) === file
    ? ts.createSourceFile(name, text, version)
    : getSourceFile.call(host, name, version, ...rest));
  host.fileExists = (name) => path.resolve(name) === file || fileExists.call(host, name);
  host.readFile = (name) => (path.resolve(name) === file ? text : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  for (const d of ts.getPreEmitDiagnostics(program)) {
    // The first line says what is wrong; the rest spells out the whole expected type.
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ').slice(0, 300);
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const inCheck = d.file && path.resolve(d.file.fileName) === file;
    errors.push(`${inCheck ? where(line) : d.file ? `${d.file.fileName}:${line + 1}` : 'typescript'}: ${message}`);
  }
  return errors;
}

/** Metric names in docs/metrics.md's table, with their type; histograms also under _bucket, _sum, _count. */
function documentedMetrics(markdown) {
  const names = new Set();
  for (const row of markdown.split('\n').filter((l) => l.startsWith('| `netscope_'))) {
    const [first, type] = row.split('|').slice(1, 3).map((c) => c.trim());
    for (const [, name] of first.matchAll(/`(netscope_[a-z0-9_]+)`/g)) {
      names.add(name);
      if (type === 'histogram') {
        ['_bucket', '_sum', '_count'].forEach((s) => names.add(name + s));
      }
    }
  }
  return names;
}

/** Every PromQL expression of the dashboard with where it is: panel targets and query variables. */
function expressions(dashboard) {
  const found = [];
  for (const panel of allPanels(dashboard)) {
    for (const t of panel.targets ?? []) {
      found.push({ where: `panel ${panel.id} "${panel.title}" target ${t.refId}`, expr: t.expr ?? '' });
    }
  }
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type === 'query') {
      found.push({ where: `variable ${v.name}`, expr: typeof v.query === 'string' ? v.query : v.query?.query ?? '' });
    }
  }
  return found;
}

/** Problems of metric names, variables and datasources (the parts Grafana's schema leaves open). */
function contentErrors(dashboard, metrics) {
  const errors = [];
  const variables = new Set((dashboard.templating?.list ?? []).map((v) => v.name));
  for (const { where, expr } of expressions(dashboard)) {
    if (!expr.trim()) {
      errors.push(`${where}: empty query`);
    }
    for (const [name] of expr.matchAll(/\bnetscope_[a-z0-9_]+/g)) {
      if (!metrics.has(name)) {
        errors.push(`${where}: metric ${name} is not in docs/metrics.md`);
      }
    }
    for (const [, name] of expr.matchAll(/\$\{?(\w+)/g)) {
      if (!variables.has(name) && !BUILTIN_VARIABLES.has(name)) {
        errors.push(`${where}: variable $${name} is not defined`);
      }
    }
  }
  const datasource = (dashboard.templating?.list ?? []).find((v) => v.name === 'datasource');
  if (!datasource || datasource.type !== 'datasource' || datasource.query !== 'prometheus') {
    errors.push('templating: no variable "datasource" of type datasource with query prometheus');
  }
  for (const panel of allPanels(dashboard).filter((p) => p.type !== 'row')) {
    for (const ds of [panel.datasource, ...(panel.targets ?? []).map((t) => t.datasource)]) {
      if (ds?.uid !== '${datasource}') {
        errors.push(`panel ${panel.id} "${panel.title}": datasource ${JSON.stringify(ds)} is not the \${datasource} variable`);
      }
    }
  }
  const ids = allPanels(dashboard).map((p) => p.id);
  if (new Set(ids).size !== ids.length) {
    errors.push(`panel ids are not unique: ${ids.join(', ')}`);
  }
  return errors;
}

/** Heatmap panels over a _bucket metric, drawn from Prometheus' buckets (format heatmap, not recalculated). */
function heatmapPanelsOver(dashboard, bucketMetric) {
  return allPanels(dashboard).filter((p) => p.type === 'heatmap'
    && p.options?.calculate === false
    && (p.targets ?? []).some((t) => t.format === 'heatmap' && t.legendFormat === '{{le}}' && t.expr.includes(bucketMetric)));
}

/** Registers the dashboard checks with validate.js's check(). */
function grafanaChecks(check, assert, repo) {
  const file = path.join(repo, 'deploy', 'grafana', 'netscope-dashboard.json');
  let dashboard;
  if (!check('grafana: netscope-dashboard.json is JSON', () => {
    dashboard = JSON.parse(fs.readFileSync(file, 'utf8'));
  })) {
    return;
  }
  const metrics = documentedMetrics(fs.readFileSync(path.join(repo, 'docs', 'metrics.md'), 'utf8'));
  const version = require('@grafana/schema/package.json').version;
  check(`grafana: dashboard and panel configs match @grafana/schema ${version}`, () => {
    const errors = schemaErrors(dashboard);
    assert(errors.length === 0, errors.join(' | '));
  });
  check('grafana: metric names are in docs/metrics.md, variables defined, datasource is ${datasource}', () => {
    const errors = contentErrors(dashboard, metrics);
    assert(errors.length === 0, errors.join(' | '));
    return `${expressions(dashboard).length} queries`;
  });
  check('grafana: heatmap panels for request duration and RTT, per role/port variables', () => {
    for (const metric of ['netscope_tcp_request_duration_seconds_bucket', 'netscope_tcp_rtt_seconds_bucket']) {
      const panels = heatmapPanelsOver(dashboard, metric);
      assert(panels.length > 0, `no heatmap panel (format heatmap, legend {{le}}, calculate off) over ${metric}`);
      assert(panels.every((p) => p.targets.every((t) => t.expr.includes('role=~"$role"') && t.expr.includes('port=~"$port"'))),
        `heatmap over ${metric} does not filter by $role and $port`);
    }
  });
  check('grafana: flood panels for drops and matches per rule and blocked sources', () => {
    const exprs = expressions(dashboard).map((e) => e.expr);
    for (const metric of ['netscope_rule_dropped_packets_total', 'netscope_rule_matches_total', 'netscope_rule_blocked_sources']) {
      assert(exprs.some((e) => e.includes(metric) && /by \([^)]*rule/.test(e)), `no per-rule query of ${metric}`);
    }
  });
  check('grafana: the checks reject a wrong enum, an unknown field, an unknown metric and an undefined variable', () => {
    // Guards against a check that passes everything (e.g. a schema type that resolved to any). One fault
    // per variant: TypeScript reports unknown fields of an object only when the rest of it type-checks.
    const faults = [
      ['"rainbow"', (d) => { heatmapOf(d).options.color.mode = 'rainbow'; }],
      ['"graphTooltip": "shared"', (d) => { d.graphTooltip = 'shared'; }],
      ['"panelz"', (d) => { d.panelz = []; }],
      ['"cellGapp"', (d) => { heatmapOf(d).options.cellGapp = 1; }],
    ];
    for (const [expected, breakIt] of faults) {
      const broken = structuredClone(dashboard);
      breakIt(broken);
      const errors = schemaErrors(broken).join('\n');
      assert(errors.includes(expected), `the schema check did not report ${expected}: ${errors || 'no errors'}`);
    }
    const broken = structuredClone(dashboard);
    heatmapOf(broken).targets[0].expr = 'rate(netscope_no_such_metric_total{x="$nope"}[5m])';
    const content = contentErrors(broken, metrics).join('\n');
    assert(content.includes('netscope_no_such_metric_total') && content.includes('$nope'), `content check missed errors: ${content}`);
  });
}

function heatmapOf(dashboard) {
  return allPanels(dashboard).find((p) => p.type === 'heatmap');
}

module.exports = { grafanaChecks, schemaErrors, contentErrors, documentedMetrics };
