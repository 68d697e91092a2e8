import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_ACCOUNTS } from '@learncraft/kit';
import { TEST_GATEWAY_SECRET } from '@learncraft/kit/testing';
import { loadConfig } from '../src/config';
import { startIdentitySubgraph } from '../src/server';
import { SIGN_IN, postGraphQL } from './helpers';

describe('startIdentitySubgraph without an injected database', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lc-identity-server-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps accounts and the signing key in DATA_DIR across restarts, and seeds demo accounts when asked', async () => {
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      SEED_DEMO: 'true',
      GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    });
    const learner = DEMO_ACCOUNTS[0]!;
    const signIn = { input: { email: learner.email, password: learner.password } };

    const first = await startIdentitySubgraph({ config });
    const firstKid = first.publicJwk.kid;
    const before = await postGraphQL<any>(first.url, SIGN_IN, signIn);
    await first.close();
    expect(before.body.data.sessionCreate.session.user).toMatchObject({ id: learner.id, roles: ['LEARNER'] });

    const second = await startIdentitySubgraph({ config: { ...config, SEED_DEMO: false } });
    try {
      expect(second.publicJwk.kid).toBe(firstKid);
      const after = await postGraphQL<any>(second.url, SIGN_IN, signIn);
      expect(after.body.data.sessionCreate.userErrors).toEqual([]);
      expect(after.body.data.sessionCreate.session.user.id).toBe(learner.id);
    } finally {
      await second.close();
    }
  });
});
