/** A module's bundled source, for a worker thread started with `eval: true` (scripts/worker-source.mjs). */
declare module '*?worker-source' {
  const source: string;
  export default source;
}
