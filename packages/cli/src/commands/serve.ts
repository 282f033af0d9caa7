import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { type DataOptions, portNumber, withData } from "../options.ts";

type ServeOptions = DataOptions & { port?: number; host?: string };

/** `portcullis serve`: the server's own entry point, with the CLI's flags turned into its environment. */
export function registerServe(program: Command): void {
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
    // main.ts is the only place that reads the environment and listens; hand it the flags that way.
    process.env.PORTCULLIS_DATA_DIR = resolve(options.data);
    if (options.port !== undefined) process.env.PORT = String(options.port);
    if (options.host !== undefined) process.env.HOST = options.host;
    // The server's entry point is not one of its package exports; the path names it for both tsx
    // (sources) and the bundler, which puts it in a chunk of dist/ loaded only here.
    await import("../../../server/src/main.ts");
  });
}
