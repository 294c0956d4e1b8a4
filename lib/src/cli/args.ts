// Command-line flags: --name value, --name=value, and bare boolean flags. Anything not declared is
// an input error, so a typo never silently falls back to a default.
import { inputError } from '../errors';

export interface FlagSpec {
  /** Flags that take a value. */
  values: readonly string[];
  /** Flags that may be given more than once (their values accumulate). */
  repeatable?: readonly string[];
  /** Flags without a value. */
  booleans: readonly string[];
}

export interface ParsedArgs {
  positional: string[];
  values: Map<string, string[]>;
  booleans: Set<string>;
}

export function parseArgs(argv: readonly string[], spec: FlagSpec, command: string): ParsedArgs {
  const parsed: ParsedArgs = { positional: [], values: new Map(), booleans: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      parsed.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (spec.booleans.includes(name)) {
      if (eq >= 0) inputError(`--${name} takes no value`);
      parsed.booleans.add(name);
    } else if (spec.values.includes(name) || spec.repeatable?.includes(name)) {
      let value: string;
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        if (i + 1 >= argv.length) inputError(`--${name} needs a value`);
        value = argv[++i];
      }
      const list = parsed.values.get(name) ?? [];
      if (list.length > 0 && !spec.repeatable?.includes(name))
        inputError(`--${name} is given more than once`);
      parsed.values.set(name, [...list, value]);
    } else {
      inputError(`unknown option '--${name}' (see milab ${command} --help)`);
    }
  }
  return parsed;
}

/** The single value of a flag, or undefined. */
export function flagValue(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name)?.[0];
}

/** What the command line takes as a number, in flags, option values and CSV cells alike: a decimal
 * literal such as 12, -3.5, .5 or 1.2e-3, with optional surrounding spaces. JavaScript's Number()
 * also reads '0x10', '0b1', 'Infinity' and '' (as 0), which are not numbers in a data file. */
export const DECIMAL_HINT = 'a number is a decimal literal such as 12, -3.5 or 1.2e-3';

/** The value of a decimal literal, or undefined for any other text (see DECIMAL_HINT). */
export function parseDecimal(text: string): number | undefined {
  const s = text.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : undefined;
}

/** An integer flag within [min, max], or the fallback when absent. */
export function integerFlag(
  args: ParsedArgs,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = flagValue(args, name);
  if (raw === undefined) return fallback;
  const v = parseDecimal(raw);
  if (v === undefined || !Number.isInteger(v) || v < min || v > max) {
    const range = max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` >= ${min}`;
    inputError(`--${name} must be an integer${range}, got '${raw}'`);
  }
  return v;
}

/** A comma-separated list of column names (empty entries dropped). */
export function columnList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** --option key=value: a number (a decimal literal), true/false, or a string. */
export function parseOptionAssignment(text: string): [string, number | boolean | string] {
  const eq = text.indexOf('=');
  if (eq <= 0) inputError(`--option expects key=value, got '${text}'`);
  const key = text.slice(0, eq).trim();
  // A word, so that a key can never be '__proto__' or otherwise reach the options' prototype.
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) {
    inputError(`--option key must be a word such as maxSteps, got '${key}'`);
  }
  const raw = text.slice(eq + 1).trim();
  if (raw === 'true' || raw === 'false') return [key, raw === 'true'];
  const n = parseDecimal(raw);
  return [key, n !== undefined && Number.isFinite(n) ? n : raw];
}
