/**
 * The world-atlas TopoJSON files, which Vite turns into modules (their parsed JSON as the
 * default export). Declared here because the console's tsconfig does not resolve JSON modules.
 */
declare module 'world-atlas/countries-110m.json' {
  const topology: unknown;
  export default topology;
}

declare module 'world-atlas/countries-50m.json' {
  const topology: unknown;
  export default topology;
}
