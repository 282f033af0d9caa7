#!/usr/bin/env node
// The published package runs dist/, plain JavaScript built by `npm run build` (run on pack). In the
// monorepo, where src/ is next to this file, the CLI runs its TypeScript sources through tsx instead,
// so tests and `npx portcullis` always see the code as it is, never a stale build.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const sources = new URL("../src/main.ts", import.meta.url);

if (existsSync(sources)) {
  const { register: registerHooks } = await import("node:module");
  // tsx is a development dependency of the monorepo, not of the package: only this branch needs it.
  // `tsconfig: false` keeps a tsconfig.json in the caller's working directory from changing how it compiles.
  const { register } = await import("tsx/esm/api");
  register({ tsconfig: false });

  // Portcullis packages that also ship built files export their TypeScript sources under the
  // "development" condition; ask for those, which exist whether or not a package was built.
  // Other packages resolve as usual. (Hooks registered later run first.)
  const PREFER_SOURCES = `export async function resolve(specifier, context, next) {
  if (!specifier.startsWith("@portcullis/")) return next(specifier, context);
  return next(specifier, { ...context, conditions: [...context.conditions, "development"] });
}`;
  registerHooks(`data:text/javascript,${encodeURIComponent(PREFER_SOURCES)}`);
  const { main } = await import(sources.href);
  await main(process.argv);
} else {
  const { main } = await import("../dist/main.js");
  // The build puts the dashboard beside the bundle; the server's default is the monorepo's build.
  await main(process.argv, { dashboardDir: fileURLToPath(new URL("../dist/dashboard", import.meta.url)) });
}
