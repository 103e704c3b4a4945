/** Reading and writing the deployment file on disk (Node only). */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { AnonifyError } from '../errors/base'
import { InvalidDeploymentError, parseDeployment, type Deployment } from './parseDeployment'

/** Reads and validates a deployment file. */
export async function readDeployment(path: string): Promise<Deployment> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new AnonifyError(`No deployment file at ${path}.`, {
      metaMessages: ['Start a local stack with `npm start`, or deploy with `anonify deploy --rpc URL`.'],
      cause,
    })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new InvalidDeploymentError({ problem: 'not valid JSON', source: path })
  }
  return parseDeployment(json, path)
}

/** Writes a deployment file atomically (temp file + rename), so a crash never leaves half a file. */
export async function writeDeployment(path: string, deployment: Deployment): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, `${JSON.stringify(parseDeployment(deployment), null, 2)}\n`)
  await rename(temp, path)
}
