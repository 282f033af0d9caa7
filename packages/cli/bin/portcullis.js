#!/usr/bin/env node
// The CLI is TypeScript run as-is: tsx compiles it on load, as `npm start` does for the server.
// `tsconfig: false` keeps a tsconfig.json in the caller's working directory from changing how it compiles.
import { register as registerHooks } from "node:module";
import { register } from "tsx/esm/api";

register({ tsconfig: false });

// Portcullis packages that also ship built files export their TypeScript sources under the
// "development" condition. The CLI runs sources, so it asks for those, which exist whether or not
// a package was built. Other packages resolve as usual. (Hooks registered later run first.)
const PREFER_SOURCES = `export async function resolve(specifier, context, next) {
  if (!specifier.startsWith("@portcullis/")) return next(specifier, context);
  return next(specifier, { ...context, conditions: [...context.conditions, "development"] });
}`;
registerHooks(`data:text/javascript,${encodeURIComponent(PREFER_SOURCES)}`);

await import("../src/main.ts");
