#!/usr/bin/env node
// The CLI is TypeScript run as-is: tsx compiles it on load, as `npm start` does for the server.
// `tsconfig: false` keeps a tsconfig.json in the caller's working directory from changing how it compiles.
import { register } from "tsx/esm/api";

register({ tsconfig: false });
await import("../src/main.ts");
