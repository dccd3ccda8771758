// Validates Kubernetes objects against the API schemas shipped in the `kubernetes-models` package:
//  1. its generated JSON-schema validators (types, required fields, enums, formats), and
//  2. a strict pass that refuses fields the API does not define, like the API server's
//     strict field validation (kubectl apply's default), since (1) allows unknown properties.
//     The field lists come from the package's generated .d.ts interfaces.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const MODELS_DIR = path.dirname(require.resolve('kubernetes-models/package.json'));
const APIMACHINERY_DIR = path.dirname(require.resolve('@kubernetes-models/apimachinery/package.json'));

/** Directory of the models for an apiVersion: "v1" -> v1/, "apps/v1" -> apps/v1/. */
function modelFile(apiVersion, kind, ext) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[A-Za-z0-9]+$/.test(kind)) {
    return undefined;
  }
  const file = path.join(MODELS_DIR, ...apiVersion.split('/'), `${kind}${ext}`);
  return fs.existsSync(file) ? file : undefined;
}

const interfaceCache = new Map();

/**
 * Reads the first `export interface` of a generated .d.ts: property name -> type descriptor
 * ({ file } for a nested interface, { array: descriptor }, { map: descriptor } or { leaf: true }).
 * Returns undefined for files that only declare a type alias (IntOrString, Quantity, Time, ...).
 */
function readInterface(file) {
  if (interfaceCache.has(file)) {
    return interfaceCache.get(file);
  }
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const imports = new Map();
  for (const line of lines) {
    const m = /^import \{ (\w+) \} from "([^"]+)";$/.exec(line);
    if (m) {
      imports.set(m[1], resolveImport(file, m[2]));
    }
  }
  const start = lines.findIndex((l) => /^export interface \w+( extends TypeMeta)? \{$/.test(l));
  if (start < 0) {
    interfaceCache.set(file, undefined);
    return undefined;
  }
  const props = new Map();
  if (lines[start].includes('extends TypeMeta')) {
    props.set('apiVersion', { leaf: true });
    props.set('kind', { leaf: true });
  }
  const describe = (type) => {
    const array = /^Array<(.+)>$/.exec(type);
    if (array) {
      return { array: describe(array[1]) };
    }
    if (imports.has(type)) {
      return { file: imports.get(type) };
    }
    return { leaf: true };
  };
  for (let i = start + 1; i < lines.length && lines[i] !== '}'; i++) {
    const line = lines[i];
    const prop = /^ {4}"([^"]+)"\??: (.+)$/.exec(line);
    if (!prop) {
      continue;
    }
    const [, name, rest] = prop;
    if (rest === '{') {
      // Multi-line map type: `{\n        [key: string]: X;\n    };`
      const inner = /^ {8}\[key: string\]: (.+);$/.exec(lines[i + 1] ?? '');
      if (!inner) {
        throw new Error(`schema: cannot read the type of '${name}' in ${file}`);
      }
      props.set(name, { map: describe(inner[1]) });
      continue;
    }
    if (!rest.endsWith(';')) {
      throw new Error(`schema: cannot read the type of '${name}' in ${file}`);
    }
    props.set(name, describe(rest.slice(0, -1)));
  }
  interfaceCache.set(file, props);
  return props;
}

function resolveImport(fromFile, spec) {
  let base;
  if (spec.startsWith('.')) {
    base = path.resolve(path.dirname(fromFile), spec);
  } else if (spec.startsWith('@kubernetes-models/apimachinery/')) {
    base = path.join(APIMACHINERY_DIR, spec.slice('@kubernetes-models/apimachinery/'.length));
  } else {
    return undefined;
  }
  return fs.existsSync(`${base}.d.ts`) ? `${base}.d.ts` : undefined;
}

function unknownFields(value, descriptor, where, out) {
  if (value === null || value === undefined || descriptor === undefined || descriptor.leaf) {
    return out;
  }
  if (descriptor.array) {
    if (Array.isArray(value)) {
      value.forEach((item, i) => unknownFields(item, descriptor.array, `${where}[${i}]`, out));
    }
    return out;
  }
  if (descriptor.map) {
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        unknownFields(v, descriptor.map, `${where}.${k}`, out);
      }
    }
    return out;
  }
  if (descriptor.file === undefined || typeof value !== 'object' || Array.isArray(value)) {
    return out;
  }
  const props = readInterface(descriptor.file);
  if (props === undefined) {
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!props.has(k)) {
      out.push(`${where ? `${where}.` : ''}${k}: unknown field`);
    } else {
      unknownFields(v, props.get(k), where ? `${where}.${k}` : k, out);
    }
  }
  return out;
}

/** Returns a list of problems with `object` (empty when it is valid). */
function validateObject(object) {
  const jsFile = modelFile(object?.apiVersion, object?.kind, '.js');
  const dtsFile = modelFile(object?.apiVersion, object?.kind, '.d.ts');
  if (!jsFile || !dtsFile) {
    return [`no Kubernetes schema for apiVersion '${object?.apiVersion}' kind '${object?.kind}'`];
  }
  const Model = require(jsFile)[object.kind];
  const problems = [];
  try {
    new Model(structuredClone(object)).validate();
  } catch (e) {
    const details = Array.isArray(e.errors)
      ? e.errors.map((err) => `${err.instancePath || '/'} ${err.message}`)
      : [e.message];
    problems.push(...details);
  }
  unknownFields(object, { file: dtsFile }, '', problems);
  return problems;
}

module.exports = { validateObject };
