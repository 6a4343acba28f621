/**
 * The one reader of environment variables that hold numbers or choices: unset or blank gives the
 * fallback; anything else must parse, or the error names the variable, what it takes and what it
 * got (never a NaN carried on). Pure: it reads the record it is given.
 */
export type Env = Record<string, string | undefined>;

export class EnvError extends Error {}

/** The raw value, or undefined when unset or blank. */
function given(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === "" ? undefined : raw;
}

/**
 * An integer from `min` (and up to `max` when given); `hint` follows the range in the error
 * ("(0: no cache)"). Undefined when unset and no fallback.
 */
export function envInt(env: Env, name: string, opts: { min: number; max?: number; hint?: string }): number | undefined;
export function envInt(env: Env, name: string, opts: { min: number; max?: number; hint?: string; fallback: number }): number;
export function envInt(env: Env, name: string, opts: { min: number; max?: number; hint?: string; fallback?: number }): number | undefined {
  const raw = given(env, name);
  if (raw === undefined) return opts.fallback;
  const n = /^\s*-?[0-9]+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < opts.min || (opts.max !== undefined && n > opts.max)) {
    const range = opts.max === undefined ? `from ${opts.min}` : `from ${opts.min} to ${opts.max}`;
    throw new EnvError(`${name} must be an integer ${range}${opts.hint ? ` ${opts.hint}` : ""}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A TCP port (1 to 65535). */
export function envPort(env: Env, name: string, fallback: number): number {
  return envInt(env, name, { min: 1, max: 65_535, fallback });
}

/** One of `choices`. */
export function envChoice<const C extends string>(env: Env, name: string, choices: readonly C[], fallback: C): C {
  const raw = given(env, name);
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new EnvError(`${name} must be one of ${choices.join(", ")}, got ${JSON.stringify(raw)}`);
  return raw as C;
}
