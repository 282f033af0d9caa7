// Builds dist/ for the published CLI: its own sources and the private workspace packages it imports
// (@portcullis/core, node, server) bundled into plain JavaScript; every third-party package stays an
// import, resolved at run time from the CLI's own `dependencies`. A bare import that is neither a
// workspace package nor a declared dependency fails the build, so the package cannot ship an import
// its installer will not have. The dashboard is built into dist/dashboard/ for `portcullis serve`.
import { readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { build as buildDashboard } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));
const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
const builtins = new Set(builtinModules);

/** "kysely/helpers/sqlite" → "kysely"; "@fastify/static/x" → "@fastify/static". */
const packageName = (specifier) => specifier.split("/", specifier.startsWith("@") ? 2 : 1).join("/");

/** @type {import("esbuild").Plugin} */
const onlyDeclaredDependencies = {
  name: "only-declared-dependencies",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, ({ path, importer }) => {
      const name = packageName(path);
      if (path.startsWith("node:") || builtins.has(name)) return { path, external: true };
      // Private workspace packages are not published: their sources go into the bundle.
      if (name.startsWith("@portcullis/")) return undefined;
      if (dependencies.has(name)) return { path, external: true };
      return {
        errors: [
          {
            text: `${path} (imported by ${importer}) is not in @portcullis/cli's dependencies: add it with a version range`,
          },
        ],
      };
    });
  },
};

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ["src/main.ts"],
  outdir: "dist",
  bundle: true,
  // Code splitting keeps the operator commands' server (Fastify, SQLite) in chunks loaded only by
  // `init`, `orgs` and `serve`, as the sources' dynamic imports intend: remote commands start fast.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  format: "esm",
  platform: "node",
  target: "node20",
  // Workspace packages that also ship built files export their sources under "development": bundle
  // the sources, never a possibly stale dist.
  conditions: ["development"],
  plugins: [onlyDeclaredDependencies],
  logLevel: "warning",
});

// Built from the dashboard's sources straight into dist/, never copied from packages/dashboard/dist,
// which may be stale (and which the dashboard's own tests rebuild). bin/portcullis.js hands this
// directory to `serve`, which passes it to the server as PORTCULLIS_DASHBOARD_DIR.
await buildDashboard({
  root: fileURLToPath(new URL("../../dashboard", import.meta.url)),
  build: { outDir: fileURLToPath(new URL("../dist/dashboard", import.meta.url)), emptyOutDir: true },
  logLevel: "warn",
});
