import { CommanderError } from "commander";
import type { CliContext } from "./context.ts";
import { EXIT } from "./errors.ts";
import { reportError } from "./output.ts";
import { buildProgram } from "./program.ts";

/**
 * Runs the CLI; a command that decides its own exit code (check) sets `process.exitCode` itself.
 * bin/portcullis.js calls it, with the context of the build it runs (sources or dist/).
 */
export async function main(argv: string[], context: CliContext = {}): Promise<void> {
  // `portcullis audit --all | head`: a reader that stops early is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr])
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? EXIT.ok);
      throw error;
    });
  try {
    await buildProgram(context).parseAsync(argv);
  } catch (error) {
    // Commander already printed its message (or the help); only the exit code is left to set.
    if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    else process.exitCode = reportError(error);
  }
}
