/** Tiny flag parser for the chain scripts: `--name value` and boolean `--flag`. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function parseFlags(argv: string[], booleans: readonly string[] = []): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument "${arg}"`);
    const name = arg.slice(2);
    if (booleans.includes(name)) { out[name] = true; continue; }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value`);
    out[name] = value;
    i++;
  }
  return out;
}

/** Runs a CLI main, printing a one-line error (no stack) for expected failures. */
export function runMain(main: () => Promise<void>, usage: string): void {
  main().then(
    () => process.exit(0),
    (err) => {
      if (err instanceof UsageError) console.error(`error: ${err.message}\n${usage}`);
      else console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
