/**
 * The LabRuntime contract suite (contract.ts) against the `kubernetes` runtime on the fake API
 * server, cold (no pool) and with a warm pool, so both provisioning paths meet the same contract.
 */
import { createLogger } from '@learncraft/kit';
import { createKubernetesRuntime, type KubernetesLabRuntime } from '../../src/runtime/kubernetes';
import { runtimeContract } from './contract';
import { FakeKubernetes } from './fakeKubernetes';

const servers: FakeKubernetes[] = [];

async function make(warmPool: Record<string, number> = {}): Promise<KubernetesLabRuntime> {
  const fake = await FakeKubernetes.start();
  servers.push(fake);
  const runtime = createKubernetesRuntime({
    kubeConfig: await fake.kubeConfig(),
    namespace: 'learncraft-labs',
    images: { linux: 'learncraft/lab-linux:1' },
    warmPool,
    logger: createLogger('test', 'silent'),
  });
  await runtime.ensureNamespace();
  return runtime;
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

runtimeContract('kubernetes', () => make());
runtimeContract('kubernetes with a warm pool', () => make({ linux: 2 }));
