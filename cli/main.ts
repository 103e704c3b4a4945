/** `anonify`: parses the command line and runs one subcommand; errors print their remedy, never a stack. */
import { parseArgs } from 'node:util'
import { formatError } from '../host/errors/formatError'
import type { Command } from './command'
import { benchCommand } from './commands/bench'
import { deployCommand } from './commands/deploy'
import { devCommand } from './commands/dev'
import { nodeCommand } from './commands/node'
import { statusCommand } from './commands/status'
import { walletCommand } from './commands/wallet'

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: Command[] = [devCommand, deployCommand, nodeCommand, walletCommand, statusCommand, benchCommand] as Command[]

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return [
    'anonify — confidential state layer for EVM chains (simulation mode: no hardware protection)',
    '',
    'Usage: anonify <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `anonify <command> --help` for a command\'s options.',
  ].join('\n')
}

function commandHelp(command: Command): string {
  const options = Object.entries(command.options).map(
    ([name, option]) => `  --${name}${option.type === 'string' ? ' <value>' : ''}`,
  )
  return [command.summary, '', ...command.usage.map((u) => `Usage: ${u}`), '', 'Options:', ...options].join('\n')
}

/** Runs `anonify` with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help())
    return name === undefined ? 1 : 0
  }
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${help()}`)
    return 2
  }
  let values: Record<string, string | boolean | undefined>
  let positionals: string[]
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: command.positionals === true,
    })
    if (parsed.values.help) {
      console.log(commandHelp(command))
      return 0
    }
    values = parsed.values as Record<string, string | boolean | undefined>
    positionals = parsed.positionals
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${commandHelp(command)}`)
    return 2
  }
  try {
    return await command.run(values, positionals)
  } catch (error) {
    console.error(`Error: ${formatError(error, { multiline: true })}`)
    return 1
  }
}
