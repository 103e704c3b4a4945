/** The shape every `anonify` subcommand has: its usage, its options, and a run function. */
import type { ParseArgsConfig } from 'node:util'

export type CommandOptions = NonNullable<ParseArgsConfig['options']>

export type Command<options extends CommandOptions = CommandOptions> = {
  /** Usage lines for `anonify <name> --help`. */
  usage: string[]
  options: options
  /** Takes positional arguments (a subcommand) after its name. */
  positionals?: boolean | undefined
  /** Resolves to the process exit code. */
  run: (values: Record<string, string | boolean | undefined>, positionals: string[]) => Promise<number>
}

/** Declares a command with its option types checked. */
export function defineCommand<const options extends CommandOptions>(command: Command<options>): Command<options> {
  return command
}
