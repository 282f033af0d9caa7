/** Entry of an `inChild` process: imports the module, calls the export, prints its JSON result. */
const { module, exportName, input } = JSON.parse(process.argv[2] ?? "{}") as {
  module: string;
  exportName: string;
  input: unknown;
};
const loaded = (await import(module)) as Record<string, (input: unknown) => unknown>;
const fn = loaded[exportName];
if (typeof fn !== "function") throw new Error(`${module} has no export ${exportName}`);
const result = await fn(input);
process.stdout.write(`\n${JSON.stringify(result)}\n`);
process.exit(0);
