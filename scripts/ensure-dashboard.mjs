// Run by `npm start` before the server: builds the dashboard once when it has not been built, so a
// fresh checkout serves it at /dashboard/ without a separate step. A failed build does not stop the
// server (the API works without the dashboard; /dashboard/ then says how to build it).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const index = fileURLToPath(new URL("../packages/dashboard/dist/index.html", import.meta.url));
if (!existsSync(index)) {
  console.log("The dashboard is not built yet; building it once (npm run build -w @portcullis/dashboard)…");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["run", "build", "-w", "@portcullis/dashboard"], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: "inherit",
  });
  if (result.status !== 0)
    console.error("The dashboard build failed; starting the API anyway. Run the build above to see why.");
}
