import { resolve } from "node:path";
import { type Command, Option } from "commander";
import type { CliContext } from "../context.ts";
import { type DataOptions, portNumber, withData } from "../options.ts";

type ServeOptions = DataOptions & { port?: number; host?: string };

/** `portcullis serve`: the server's own start (as `npm start`), with the CLI's flags as its settings. */
export function registerServe(program: Command, context: CliContext = {}): void {
  withData(
    program
      .command("serve")
      .description("start the Portcullis server")
      .addOption(new Option("--port <n>", "TCP port (0 picks a free one)").env("PORT").argParser(portNumber))
      .addOption(new Option("--host <host>", "interface to listen on; 0.0.0.0 for other machines").env("HOST"))
      .addHelpText(
        "after",
        "\nEvery other setting is read from the environment, as 'npm start' reads it (docs/configuration.md).",
      ),
  ).action(async (options: ServeOptions) => {
    // Imported here, not at start: the server (Fastify, SQLite) is for operator commands only.
    const { exitOnSignals, startServer } = await import("@portcullis/server");
    const env: Record<string, string | undefined> = { ...process.env, PORTCULLIS_DATA_DIR: resolve(options.data) };
    if (options.port !== undefined) env.PORT = String(options.port);
    if (options.host !== undefined) env.HOST = options.host;
    // The published package serves the dashboard it ships, unless the operator names another.
    if (context.dashboardDir && !env.PORTCULLIS_DASHBOARD_DIR) env.PORTCULLIS_DASHBOARD_DIR = context.dashboardDir;
    exitOnSignals(await startServer({ env }));
  });
}
