/**
 * A small seccomp deny-list for sandbox processes, handed to bwrap with `--seccomp FD` (classic
 * BPF, built here so no libseccomp is needed). Namespaces and no capabilities already stop most
 * privileged calls; this removes kernel attack surface an unprivileged process still reaches
 * (kernel keyrings, io_uring, perf, userfaultfd, bpf, handle-based open) and the calls a sandbox
 * never needs (modules, kexec, mount, new namespaces). Denied calls fail with EPERM, as Docker's
 * default profile does. Other architectures' system calls (i386 via int 0x80, x32) are denied
 * outright, since their numbers differ. ptrace stays allowed: learners may strace their own code.
 */

const DENIED: Record<string, { x64: number; arm64: number }> = {
  add_key: { x64: 248, arm64: 217 },
  request_key: { x64: 249, arm64: 218 },
  keyctl: { x64: 250, arm64: 219 },
  bpf: { x64: 321, arm64: 280 },
  perf_event_open: { x64: 298, arm64: 241 },
  userfaultfd: { x64: 323, arm64: 282 },
  io_uring_setup: { x64: 425, arm64: 425 },
  io_uring_enter: { x64: 426, arm64: 426 },
  io_uring_register: { x64: 427, arm64: 427 },
  kexec_load: { x64: 246, arm64: 104 },
  kexec_file_load: { x64: 320, arm64: 294 },
  init_module: { x64: 175, arm64: 105 },
  finit_module: { x64: 313, arm64: 273 },
  delete_module: { x64: 176, arm64: 106 },
  name_to_handle_at: { x64: 303, arm64: 264 },
  open_by_handle_at: { x64: 304, arm64: 265 },
  mount: { x64: 165, arm64: 40 },
  umount2: { x64: 166, arm64: 39 },
  pivot_root: { x64: 155, arm64: 41 },
  unshare: { x64: 272, arm64: 97 },
  setns: { x64: 308, arm64: 268 },
};

export const DENIED_SYSCALLS = Object.keys(DENIED);

const AUDIT_ARCH = { x64: 0xc000003e, arm64: 0xc00000b7 } as const;
const X32_SYSCALL_BIT = 0x40000000;
const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_JGE_K = 0x35;
const BPF_RET_K = 0x06;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO_EPERM = 0x00050000 | 1;
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;

interface Instruction {
  code: number;
  k: number;
  /** Jumps to the deny instruction when the comparison holds. */
  denyIfTrue?: boolean;
  /** Jumps to the deny instruction when the comparison fails. */
  denyIfFalse?: boolean;
}

/** The filter for `arch` (a `process.arch`), or null when this architecture has no table. */
export function seccompFilter(arch: string): Buffer | null {
  if (arch !== 'x64' && arch !== 'arm64') return null;
  const program: Instruction[] = [
    { code: BPF_LD_W_ABS, k: OFFSET_ARCH },
    { code: BPF_JEQ_K, k: AUDIT_ARCH[arch], denyIfFalse: true },
    { code: BPF_LD_W_ABS, k: OFFSET_NR },
  ];
  if (arch === 'x64') program.push({ code: BPF_JGE_K, k: X32_SYSCALL_BIT, denyIfTrue: true });
  for (const numbers of Object.values(DENIED))
    program.push({ code: BPF_JEQ_K, k: numbers[arch], denyIfTrue: true });
  program.push({ code: BPF_RET_K, k: SECCOMP_RET_ALLOW });
  const deny = program.length;
  program.push({ code: BPF_RET_K, k: SECCOMP_RET_ERRNO_EPERM });

  const buffer = Buffer.alloc(program.length * 8);
  program.forEach((instruction, index) => {
    const toDeny = deny - index - 1;
    buffer.writeUInt16LE(instruction.code, index * 8);
    buffer.writeUInt8(instruction.denyIfTrue ? toDeny : 0, index * 8 + 2);
    buffer.writeUInt8(instruction.denyIfFalse ? toDeny : 0, index * 8 + 3);
    buffer.writeUInt32LE(instruction.k >>> 0, index * 8 + 4);
  });
  return buffer;
}
