// An esbuild plugin: `import source from './x?worker-source'` gives the bundled source of x.ts as a
// string, for a worker thread started with `eval: true` (the extension ships as one bundle, and a
// worker's own file would have to be found at run time in dist/ and in every test build).
import * as esbuild from 'esbuild';
import { resolve } from 'node:path';

/** @returns {import('esbuild').Plugin} */
export function workerSource({ minify = false } = {}) {
  return {
    name: 'worker-source',
    setup(build) {
      build.onResolve({ filter: /\?worker-source$/ }, (args) => ({
        path: resolve(args.resolveDir, `${args.path.replace(/\?worker-source$/, '')}.ts`),
        namespace: 'worker-source',
      }));
      build.onLoad({ filter: /.*/, namespace: 'worker-source' }, async (args) => {
        const r = await esbuild.build({
          entryPoints: [args.path],
          bundle: true,
          write: false,
          platform: 'node',
          format: 'cjs',
          target: 'node22',
          minify,
          legalComments: 'none',
          logLevel: 'warning',
          metafile: true,
        });
        return {
          contents: `export default ${JSON.stringify(r.outputFiles[0].text)};`,
          loader: 'js',
          watchFiles: Object.keys(r.metafile.inputs).map((f) => resolve(f)),
        };
      });
    },
  };
}
