import { CommanderError } from "commander";
import { EXIT } from "./errors.ts";
import { reportError } from "./output.ts";
import { buildProgram } from "./program.ts";

/** Runs the CLI; a command that decides its own exit code (check) sets `process.exitCode` itself. */
async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    // Commander already printed its message (or the help); only the exit code is left to set.
    if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    else process.exitCode = reportError(error);
  }
}

await main(process.argv);
