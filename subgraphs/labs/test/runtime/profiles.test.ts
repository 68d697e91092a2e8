/**
 * Profile mounts for host layouts this machine does not have (node and kubectl outside /usr):
 * pure, so no sandbox is needed. The profiles as learners see them are tested in local.test.ts.
 */
import { profileMounts } from '../../src/runtime/local/profiles';

const tools = {
  node: '/usr/bin/node',
  typescriptDir: '/repo/node_modules/typescript',
  kubectl: '/usr/bin/kubectl',
};

describe('profile mounts', () => {
  test('the linux profile adds nothing beyond the base system', () => {
    expect(profileMounts('linux', tools)).toEqual({
      binds: [],
      wrappers: {},
      path: '/opt/lab/bin:/usr/local/bin:/usr/bin:/bin',
    });
  });

  test('the node profile binds TypeScript and a tsc wrapper; node under /usr needs no bind', () => {
    expect(profileMounts('node', tools)).toEqual({
      binds: [{ source: '/repo/node_modules/typescript', target: '/opt/typescript' }],
      wrappers: { tsc: '#!/bin/sh\nexec node /opt/typescript/bin/tsc "$@"\n' },
      path: '/opt/lab/bin:/usr/local/bin:/usr/bin:/bin',
    });
  });

  test('a node installed outside /usr is bound with its whole prefix so npm keeps working', () => {
    const mounts = profileMounts('node', { ...tools, node: '/root/.nvm/versions/node/v20.19.0/bin/node' });
    expect(mounts.binds[0]).toEqual({ source: '/root/.nvm/versions/node/v20.19.0', target: '/opt/node' });
    expect(mounts.path).toBe('/opt/lab/bin:/opt/node/bin:/usr/local/bin:/usr/bin:/bin');
  });

  test('a kubectl outside /usr is bound read-only onto the PATH', () => {
    const mounts = profileMounts('kubernetes', { ...tools, kubectl: '/opt/tools/kubectl' });
    expect(mounts).toEqual({
      binds: [{ source: '/opt/tools/kubectl', target: '/opt/kubectl/bin/kubectl' }],
      wrappers: {},
      path: '/opt/lab/bin:/opt/kubectl/bin:/usr/local/bin:/usr/bin:/bin',
    });
  });

  test('an unknown profile is refused with the profiles this runtime knows', () => {
    expect(() => profileMounts('cobol', tools)).toThrow(
      expect.objectContaining({
        code: 'UNKNOWN_PROFILE',
        message: 'Unknown lab profile "cobol"; this runtime knows linux, node, kubernetes',
      }),
    );
  });
});
