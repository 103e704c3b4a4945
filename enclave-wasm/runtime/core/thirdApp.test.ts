/**
 * Adding an app touches its own folder and the routing table only: a copy of assembly/ gets a trivial `counter` app
 * (assembly/apps/counter/) and one entry in apps/registry.ts, compiles, and the unchanged runtime routes its command,
 * records its effect, answers its query, writes its read-reply section and carries its snapshot section.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import asc from 'assemblyscript/asc'
import { hexToBytes } from 'viem'
import { describe, expect, it } from 'vitest'
import { OK, READ_REPLY_BYTES } from '../../shared/constants'
import { startCore } from '../startCore'
import { createCore } from './createCore'

const ENCLAVE = fileURLToPath(new URL('../..', import.meta.url))
const COUNTER_ID = 9

const COUNTER_APP = `
import { OK } from '../../../shared/constants'
import { App, AppCommand } from '../../app'
import { Reader, Writer } from '../../codec'
import { Effects } from '../../effects'

let count: u64 = 0
let staged: u64 = 0

export class CounterApp extends App {
  constructor() {
    super(${COUNTER_ID})
  }
  decode(caller: string, op: u8, reader: Reader): AppCommand | null {
    return op == 1 && reader.done() ? new AppCommand(caller, ${COUNTER_ID}, op) : null
  }
  apply(_command: AppCommand, _block: u64, _effects: Effects): i32 {
    count++
    return OK
  }
  query(reader: Reader, writer: Writer): bool {
    if (!reader.done()) return false
    writer.u64(count)
    return true
  }
  readSection(_account: string, _request: Reader, writer: Writer): void {
    writer.u64(count)
  }
  exportSection(writer: Writer): void {
    writer.u64(count)
  }
  stageSection(reader: Reader): bool {
    staged = reader.u64()
    return reader.done()
  }
  commitSection(): void {
    count = staged
  }
}
`

/** Copies the core's sources, adds the counter app and its routing entry, and compiles the copy. */
async function compileWithCounter(): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'anonify-third-app-'))
  try {
    for (const folder of ['assembly', 'shared']) await cp(join(ENCLAVE, folder), join(dir, folder), { recursive: true })
    await cp(join(ENCLAVE, 'asconfig.json'), join(dir, 'asconfig.json'))
    await mkdir(join(dir, 'assembly/apps/counter'))
    await writeFile(join(dir, 'assembly/apps/counter/index.ts'), COUNTER_APP)
    const registry = join(dir, 'assembly/apps/registry.ts')
    const source = await readFile(registry, 'utf8')
    const routed = source
      .replace(
        "import { TokenApp } from './token'",
        "import { TokenApp } from './token'\nimport { CounterApp } from './counter'",
      )
      .replace('new IdentityApp()]', 'new IdentityApp(), new CounterApp()]')
    expect(routed).not.toBe(source)
    await writeFile(registry, routed)
    const outFile = join(dir, 'core.wasm')
    const { error, stderr } = await asc.main([
      join(dir, 'assembly/index.ts'),
      '--config',
      join(dir, 'asconfig.json'),
      '--target',
      'release',
      '--outFile',
      outFile,
    ])
    if (error) throw new Error(`${error.message}\n${stderr.toString()}`)
    return new Uint8Array(await readFile(outFile))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('a third app', () => {
  it('is routed, queried, read and snapshotted after adding only its folder and one routing entry', {
    timeout: 120_000,
  }, async () => {
    const wasm = await compileWithCounter()
    const exports = await startCore(wasm)
    const core = createCore(exports)
    const caller = '0x00000000000000000000000000000000000a11ce' as const
    const command = new Uint8Array(30)
    command.set(hexToBytes(caller), 0)
    command[28] = COUNTER_ID
    command[29] = 1
    const applied = core.apply(command, 10n)
    expect(applied.code).toBe(OK)
    expect(applied.effects).toMatchObject([{ kind: 'sent', owner: caller, app: COUNTER_ID, op: 1 }])
    expect(exports.query(COUNTER_ID, 0)).toBe(8)
    const answer = new DataView(exports.memory.buffer, exports.outputPtr(), 8)
    expect(answer.getBigUint64(0)).toBe(1n)

    // Its section follows the registry's others (version, core 35, token 1+16, session 1+25, identity 1+12), in the
    // same bucket.
    const reply = core.readReply(caller, { seq: 1n, receipt: undefined, history: [], apps: { session: undefined } })
    expect(reply.byteLength).toBe(READ_REPLY_BYTES)
    expect(reply[92]).toBe(COUNTER_ID)
    expect(new DataView(reply.buffer).getBigUint64(93)).toBe(1n)

    const snapshot = core.exportSnapshot()
    expect(snapshot[1]).toBe(5) // nonces, token, session, identity, counter
    const restored = createCore(await startCore(wasm))
    expect(restored.importSnapshot(snapshot)).toBe(OK)
    expect(restored.exportSnapshot()).toEqual(snapshot)
  })
})
