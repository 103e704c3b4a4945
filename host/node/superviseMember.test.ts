/**
 * A supervised member whose enclave Worker dies comes back from its data dir — same signer, same seq, same URL —
 * and one that keeps dying is left stopped with a clear error instead of restarting forever.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createWalletClient, http } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENCLAVE_BUILD_DIR } from '../../enclave-wasm/platform/launchNodeEnclave'
import { readEnclaveManifest } from '../../enclave-wasm/platform/manifest'
import { startAnvil, type Anvil } from '../chain/startAnvil'
import { deployStack } from '../deployment/deployStack'
import type { Deployment } from '../deployment/parseDeployment'
import { MemberRestartLimitError } from '../errors/node'
import type { MemberNodeEvent } from './createMemberNode'
import { superviseMember, type SupervisedMember, type SupervisionEvent } from './superviseMember'

let anvil: Anvil
let deployment: Deployment
let dataDir: string

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'anonify-supervise-'))
  anvil = await startAnvil()
  deployment = await deployStack({
    rpcUrl: anvil.rpcUrl,
    measurement: (await readEnclaveManifest(ENCLAVE_BUILD_DIR)).measurement,
  })
}, 60_000)
afterAll(async () => {
  await anvil?.stop()
  await rm(dataDir, { recursive: true, force: true })
})

/** The running member's enclave status, once it has one. */
const statusOf = async (member: SupervisedMember) =>
  member
    .current()
    ?.enclave.getStatus()
    .catch(() => undefined)

describe('superviseMember', () => {
  it('restarts a member whose enclave died with the same signer, seq and URL, then gives up after its limit', {
    timeout: 120_000,
  }, async () => {
    const events: (MemberNodeEvent | SupervisionEvent)[] = []
    const [, operator] = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses()
    const member = await superviseMember({
      deployment,
      rpcUrl: anvil.rpcUrl,
      dataDir,
      account: operator!,
      httpPort: 0,
      onEvent: (event) => events.push(event),
      maxRestarts: 1,
      restartDelayMs: 10,
    })
    try {
      // Registered, keyed epoch 1 and rotated its init key: state worth losing.
      const settled = async () => {
        const status = await statusOf(member)
        return status?.holdsEpoch === true && !status.initKeyRotationDue
      }
      await expect.poll(settled, { timeout: 60_000 }).toBe(true)
      const before = (await statusOf(member))!
      const first = member.current()!

      // Its Worker ends (as after a broken invariant): the loop fails with EnclaveCrashedError.
      await first.enclave.close()
      await expect
        .poll(() => member.current() !== undefined && member.current() !== first, { timeout: 30_000 })
        .toBe(true)
      await expect
        .poll(async () => (await statusOf(member))?.seq, { timeout: 30_000 })
        .toBeGreaterThanOrEqual(before.seq)
      const after = (await statusOf(member))!
      expect(after).toMatchObject({
        signer: before.signer,
        epoch: before.epoch,
        members: before.members,
        holdsEpoch: true,
      })
      expect(events).toContainEqual(expect.objectContaining({ type: 'memberCrashed', restartInMs: 10 }))
      expect(events).toContainEqual({ type: 'memberRestarted', restarts: 1 })
      const status = await fetch(`${member.url}/v1/status`)
      expect(status.status).toBe(200)
      expect(await status.json()).toMatchObject({ member: true })

      // A second death within the window is one too many: it stays down and says why.
      await member.current()!.enclave.close()
      await expect(member.done).rejects.toBeInstanceOf(MemberRestartLimitError)
      expect(member.current()).toBeUndefined()
      expect(events.at(-1)).toMatchObject({ type: 'memberGaveUp' })
    } finally {
      await member.stop()
    }
  })
})
