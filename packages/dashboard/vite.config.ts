import { defineConfig } from "vite";

// Served by the API server at /dashboard/; plain TypeScript and DOM, so no framework plugin.
export default defineConfig({
  base: "/dashboard/",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
});
