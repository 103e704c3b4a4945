/** Loads the deployment record the dev server publishes at /deployment.json (browser and Node fetch). */
import { AnonifyError } from '../errors/base'
import { parseDeployment, type Deployment } from './parseDeployment'

/** Fetches and validates the deployment at `url`; throws an `AnonifyError` that says how to create one. */
export async function fetchDeployment(url = '/deployment.json'): Promise<Deployment> {
  const response = await fetch(url, { cache: 'no-store' })
  if (!response.ok)
    throw new AnonifyError('No Anonify deployment is published here yet.', {
      metaMessages: ['Start the local stack with `npm start`, or deploy with `anonify deploy --rpc URL`.'],
      details: `GET ${url} answered HTTP ${response.status}`,
    })
  return parseDeployment(await response.json(), url)
}
