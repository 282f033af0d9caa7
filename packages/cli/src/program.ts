import { Command } from "commander";
import { registerAssistants } from "./commands/assistants.ts";
import { registerAudit } from "./commands/audit.ts";
import { registerCalls } from "./commands/calls.ts";
import { registerCheck } from "./commands/check.ts";
import { registerCredentials } from "./commands/credentials.ts";
import { registerInit } from "./commands/init.ts";
import { registerKeys } from "./commands/keys.ts";
import { registerMembers } from "./commands/members.ts";
import { registerOrg } from "./commands/org.ts";
import { registerOrgs } from "./commands/orgs.ts";
import { registerServe } from "./commands/serve.ts";
import { registerSigningKeys } from "./commands/signing-keys.ts";
import { registerToken } from "./commands/token.ts";
import type { CliContext } from "./context.ts";

export const VERSION = "0.1.0";

/**
 * The whole command tree. Settings made here before the subcommands are added are inherited by
 * them: commander errors throw (so main maps them to exit code 2) instead of exiting.
 */
export function buildProgram(context: CliContext = {}): Command {
  const program = new Command("portcullis")
    .description("Portcullis: API keys for AI-assistant calls that are safe to publish in a browser.")
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .showSuggestionAfterError()
    .addHelpText(
      "after",
      `
Operator commands (open the data directory, no server needed): init, orgs, members, serve.
Other commands talk to the REST API at --url (PORTCULLIS_URL, default http://localhost:8787)
with a private key from --api-key (PORTCULLIS_API_KEY); 'token mint' signs with that key here,
and with --org needs no server at all.

Exit codes: 0 done or allowed, 1 refused or failed, 2 bad command line.`,
    );
  registerInit(program);
  registerOrgs(program);
  registerMembers(program);
  registerServe(program, context);
  registerOrg(program);
  registerKeys(program);
  registerAssistants(program);
  registerCalls(program);
  registerCheck(program);
  registerToken(program);
  registerSigningKeys(program);
  registerCredentials(program);
  registerAudit(program);
  return program;
}
