import { ConfigError } from "./config/config.ts";
import { exitOnSignals, startServer } from "./start-server.ts";

/**
 * `npm start`: the only place that reads the process's environment (and `--data <dir>`); the rest
 * of starting, shared with `portcullis serve`, is startServer().
 */
async function main(): Promise<void> {
  const dataFlag = process.argv.indexOf("--data");
  const env = { ...process.env };
  if (dataFlag > 0 && process.argv[dataFlag + 1]) env.PORTCULLIS_DATA_DIR = process.argv[dataFlag + 1];
  exitOnSignals(await startServer({ env }));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
