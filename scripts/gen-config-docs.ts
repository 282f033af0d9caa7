// Writes docs/configuration.md from the server's settings table, so every environment variable is
// documented with its default. `npm run docs:config` runs it; a test fails when the file is stale.
import { writeFileSync } from "node:fs";
import { renderConfigurationDoc } from "./render-config-doc.ts";

writeFileSync(new URL("../docs/configuration.md", import.meta.url), renderConfigurationDoc());
console.log("wrote docs/configuration.md");
