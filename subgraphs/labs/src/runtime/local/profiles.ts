/**
 * Tool profiles of the local runtime: what a sandbox can run beyond the base system. Every profile
 * sees the host's `/usr` read-only (bash, coreutils, grep, sed, awk, find, tar… live there), so a
 * profile only adds what lives elsewhere (bound read-only under `/opt`) plus small wrapper scripts
 * in the sandbox's own `bin/` (mounted at `/opt/lab/bin`, first on PATH). Host tool locations are
 * options, resolved once by the runtime, so tests can point them anywhere.
 */
import { dirname, join, resolve } from 'node:path';
import { LabRuntimeError } from './errors';

export const PROFILE_NAMES = ['linux', 'node', 'kubernetes'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** Where the host keeps the tools the profiles expose. `null`: not installed here. */
export interface HostTools {
  /** The real path of the node binary. */
  node: string | null;
  /** The TypeScript package directory (the one holding `bin/tsc`). */
  typescriptDir: string | null;
  /** The kubectl binary. */
  kubectl: string | null;
}

export interface ProfileMounts {
  /** Read-only binds beyond the base system: host path → sandbox path. */
  binds: { source: string; target: string }[];
  /** Executable scripts written into the sandbox's `bin/` (name → content). */
  wrappers: Record<string, string>;
  /** PATH inside the sandbox. */
  path: string;
}

const BASE_PATH = '/usr/local/bin:/usr/bin:/bin';
export const LAB_BIN = '/opt/lab/bin';

function isUnderUsr(path: string): boolean {
  return path === '/usr' || path.startsWith('/usr/');
}

function requireTool(profile: ProfileName, tool: string, path: string | null): string {
  if (path === null) {
    throw new LabRuntimeError(
      'UNAVAILABLE',
      `The ${profile} profile needs ${tool}, which is not installed on this machine`,
    );
  }
  return path;
}

/** The mounts of one profile; throws UNKNOWN_PROFILE for anything not in PROFILE_NAMES. */
export function profileMounts(profile: string, tools: HostTools): ProfileMounts {
  const binds: ProfileMounts['binds'] = [];
  const wrappers: Record<string, string> = {};
  const path = [LAB_BIN];
  switch (profile) {
    case 'linux':
      break;
    case 'node': {
      const node = requireTool(profile, 'node', tools.node);
      // A node outside /usr (nvm, a tarball) is bound with its whole prefix so npm's relative
      // symlinks (bin/npm → ../lib/node_modules/npm/…) keep working.
      if (!isUnderUsr(node)) {
        binds.push({ source: resolve(dirname(node), '..'), target: '/opt/node' });
        path.push('/opt/node/bin');
      }
      const typescript = requireTool(profile, 'TypeScript', tools.typescriptDir);
      binds.push({ source: typescript, target: '/opt/typescript' });
      wrappers.tsc = '#!/bin/sh\nexec node /opt/typescript/bin/tsc "$@"\n';
      break;
    }
    case 'kubernetes': {
      const kubectl = requireTool(profile, 'kubectl', tools.kubectl);
      if (!isUnderUsr(kubectl)) {
        binds.push({ source: kubectl, target: join('/opt/kubectl/bin', 'kubectl') });
        path.push('/opt/kubectl/bin');
      }
      break;
    }
    default:
      throw new LabRuntimeError(
        'UNKNOWN_PROFILE',
        `Unknown lab profile "${profile}"; this runtime knows ${PROFILE_NAMES.join(', ')}`,
      );
  }
  return { binds, wrappers, path: [...path, BASE_PATH].join(':') };
}

/**
 * The generated `/etc` files: a passwd/group naming the learner, loopback-only hosts, and a
 * profile that sets PATH and the prompt (the host's /etc/profile would reset PATH).
 */
export function etcFiles(hostname: string, path: string): Record<string, string> {
  return {
    passwd:
      'root:x:0:0:root:/root:/usr/sbin/nologin\nlearner:x:1000:1000:Learner:/home/learner:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
    group: 'root:x:0:\nlearner:x:1000:\nnogroup:x:65534:\n',
    hostname: `${hostname}\n`,
    hosts: `127.0.0.1 localhost ${hostname}\n::1 localhost\n`,
    'nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files\n',
    profile: [
      `export PATH='${path}'`,
      'export HOME=/home/learner USER=learner LOGNAME=learner SHELL=/bin/bash',
      'if [ -n "$BASH_VERSION" ] && [ -n "$PS1" ]; then PS1=\'\\u@\\h:\\w\\$ \'; [ -f /etc/bash.bashrc ] && . /etc/bash.bashrc; fi',
      '',
    ].join('\n'),
    'bash.bashrc': 'PS1=\'\\u@\\h:\\w\\$ \'\n[ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"\n',
  };
}
