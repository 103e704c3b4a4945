/** `anonify`: parses the command line and runs one subcommand; errors print their remedy, never a stack. */
import { parseArgs } from 'node:util'
import { formatError } from '../host/errors/formatError'
import { type Artifact, ensureArtifacts } from './artifacts'
import type { Command } from './command'

type CommandEntry = {
  name: string
  /** One line for `anonify --help`. */
  summary: string
  /** Generated code its modules import or run; built first when a fresh clone lacks it. */
  needs: readonly Artifact[]
  /** Loaded only when run: command modules import the generated ABIs, which `--help` must not need. */
  load: () => Promise<Command>
}

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: CommandEntry[] = [
  {
    name: 'dev',
    summary:
      'Run the local stack: build, start anvil, deploy, run a member node, serve the web app (Ctrl-C stops it all)',
    needs: ['contracts'],
    load: async () => (await import('./commands/dev')).devCommand,
  },
  {
    name: 'deploy',
    summary: 'Deploy the contracts to a chain (key from ANONIFY_DEPLOYER_KEY) and write the deployment file',
    needs: ['contracts'],
    load: async () => (await import('./commands/deploy')).deployCommand,
  },
  {
    name: 'node',
    summary: 'Run one enclave member: register, follow the chain, take part in rekeys, restart from --data',
    needs: ['contracts', 'enclave'],
    load: async () => (await import('./commands/node')).nodeCommand,
  },
  {
    name: 'wallet',
    summary:
      'Confidential wallet: balance, history, transfer, mint, init, sessions — sealed locally, relayed by a node (--json)',
    needs: ['contracts'],
    load: async () => (await import('./commands/wallet')).walletCommand,
  },
  {
    name: 'identity',
    summary:
      'Identity app: attest, revoke, show KYC attributes (issuer key); grant-issuer (governance key) — sealed locally (--json)',
    needs: ['contracts'],
    load: async () => (await import('./commands/identity')).identityCommand,
  },
  {
    name: 'checkpoint',
    summary:
      'Checkpoints: status (the latest accepted, a node restoring or diverged, a pause), propose one now (--json)',
    needs: ['contracts', 'enclave'],
    load: async () => (await import('./commands/checkpoint')).checkpointCommand,
  },
  {
    name: 'status',
    summary: "Show the chain, the group (epoch, members) and a node's enclave: measurement, seq (--json for scripts)",
    needs: ['contracts', 'enclave'],
    load: async () => (await import('./commands/status')).statusCommand,
  },
  {
    name: 'bench',
    summary: 'Measure gas, apply rate and latency on a private anvil with real enclaves (--json for scripts)',
    needs: ['contracts'],
    load: async () => (await import('./commands/bench')).benchCommand,
  },
]

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
    "Run `anonify <command> --help` for a command's options.",
  ].join('\n')
}

function commandHelp(entry: CommandEntry, command: Command): string {
  const options = Object.entries(command.options).map(
    ([name, option]) => `  --${name}${option.type === 'string' ? ' <value>' : ''}`,
  )
  return [entry.summary, '', ...command.usage.map((u) => `Usage: ${u}`), '', 'Options:', ...options].join('\n')
}

/** Runs `anonify` with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help())
    return name === undefined ? 1 : 0
  }
  const entry = COMMANDS.find((c) => c.name === name)
  if (!entry) {
    console.error(`Unknown command "${name}".\n\n${help()}`)
    return 2
  }
  let command: Command
  try {
    await ensureArtifacts(entry.needs)
    command = await entry.load()
  } catch (error) {
    return failed(error)
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
      console.log(commandHelp(entry, command))
      return 0
    }
    values = parsed.values as Record<string, string | boolean | undefined>
    positionals = parsed.positionals
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${commandHelp(entry, command)}`)
    return 2
  }
  try {
    return await command.run(values, positionals)
  } catch (error) {
    return failed(error)
  }
}

/** Prints the error with its remedy, never a stack, and gives the exit code for a failed run. */
function failed(error: unknown): number {
  console.error(`Error: ${formatError(error, { multiline: true })}`)
  return 1
}
