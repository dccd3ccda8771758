#!/usr/bin/env node
// Decodes OTLP ExportMetricsServiceRequest bodies (protobuf, no gRPC frame) with the OpenTelemetry
// JavaScript project's protobufjs root, generated from the official opentelemetry-proto files and
// shipped in @opentelemetry/otlp-transformer. It shares no code with NetScope's C# encoder, so the C#
// tests use it as an independent check of the bytes on the wire.
//
//   node decode.js BODY.bin [BODY2.bin ...]   prints a JSON array, one decoded request per file
//
// 64-bit integers are printed as decimal strings, enums by name, unset fields with their defaults.
'use strict';

const fs = require('fs');
const path = require('path');

// The package's "exports" hide build/, so load the generated root by its file path.
const transformer = path.dirname(require.resolve('@opentelemetry/otlp-transformer/package.json'));
const root = require(path.join(transformer, 'build', 'src', 'generated', 'root.js'));
const Request = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: node decode.js BODY.bin [BODY2.bin ...]\n');
  process.exit(2);
}

const decoded = files.map((file) => {
  const message = Request.decode(fs.readFileSync(file));
  return Request.toObject(message, { longs: String, enums: String, defaults: true, arrays: true });
});
process.stdout.write(JSON.stringify(decoded));
