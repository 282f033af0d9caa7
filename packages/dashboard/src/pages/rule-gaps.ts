import type { Restrictions } from "../types.ts";

/** What a public key leaves open: shown as a warning wherever the key is. */
export function ruleGaps(r: Restrictions): string[] {
  const gaps: string[] = [];
  if (!r.allowedOrigins?.length)
    gaps.push("No origin rule: any website can use this key. Add the origins your app is served from.");
  if (!r.allowedAssistantIds?.length)
    gaps.push(
      r.allowTransientAssistant
        ? "No assistant rule and inline assistants allowed: anyone with the key can run any prompt on your bill."
        : "No assistant rule: the key can start every assistant of the org. Pick the ones this page needs.",
    );
  return gaps;
}
