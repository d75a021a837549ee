// A module hook for the prebuilt CLI (ADR 18): `@platform-gen/core`, imported by a definition, is the prebuilt
// core (dist/main/core.js, the CLI's own modules), not a second copy of core from its TypeScript sources.
let core;

export function initialize(url) {
  core = url;
}

export async function resolve(specifier, context, next) {
  if (specifier === '@platform-gen/core' && core !== undefined) return { url: core, shortCircuit: true };
  return next(specifier, context);
}
