/**
 * Exit codes, so scripts can tell a refusal from a mistake in the command line:
 * 0 done (or allowed), 1 refused or failed, 2 the command itself was wrong.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI explains itself (no API code): an unreachable server, an unreadable file. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failed,
  ) {
    super(message);
  }
}

/** A mistake in the command line found after parsing (a bad file, a missing key): exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** An error answer from the API, with its catalog code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}
