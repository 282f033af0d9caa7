import { defineConfig } from "vite";

// The API routes the dashboard calls; `vite` (dev) forwards them to a running server so pages
// reload live while the session cookie stays same-origin.
const API_PATHS = [
  "/session",
  "/member",
  "/token",
  "/assistant",
  "/call",
  "/audit",
  "/org",
  "/signing-key",
  "/credential",
];
const api = process.env.PORTCULLIS_URL ?? "http://127.0.0.1:8787";

// Served by the API server at /dashboard/; plain TypeScript and DOM, so no framework plugin.
export default defineConfig({
  base: "/dashboard/",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: { proxy: Object.fromEntries(API_PATHS.map((path) => [path, { target: api, changeOrigin: false }])) },
});
