/** The seccomp filter's encoding: pure, checked instruction by instruction where it matters. */
import { DENIED_SYSCALLS, seccompFilter } from '../../src/runtime/local/seccomp';

function instructions(buffer: Buffer): { code: number; jt: number; jf: number; k: number }[] {
  return Array.from({ length: buffer.length / 8 }, (_, index) => ({
    code: buffer.readUInt16LE(index * 8),
    jt: buffer.readUInt8(index * 8 + 2),
    jf: buffer.readUInt8(index * 8 + 3),
    k: buffer.readUInt32LE(index * 8 + 4),
  }));
}

describe('seccomp filter', () => {
  test('on x86-64 it checks the architecture and x32 first, then denies each listed call with EPERM', () => {
    const program = instructions(seccompFilter('x64') as Buffer);
    const deny = program.length - 1;
    expect(program.length).toBe(4 + DENIED_SYSCALLS.length + 2);
    expect(program.slice(0, 4)).toEqual([
      { code: 0x20, jt: 0, jf: 0, k: 4 },
      { code: 0x15, jt: 0, jf: deny - 2, k: 0xc000003e },
      { code: 0x20, jt: 0, jf: 0, k: 0 },
      { code: 0x35, jt: deny - 4, jf: 0, k: 0x40000000 },
    ]);
    expect(program[4]).toEqual({ code: 0x15, jt: deny - 5, jf: 0, k: 248 }); // add_key
    expect(program.slice(-2)).toEqual([
      { code: 0x06, jt: 0, jf: 0, k: 0x7fff0000 },
      { code: 0x06, jt: 0, jf: 0, k: 0x00050001 },
    ]);
  });

  test('arm64 has its own architecture and numbers, and an unknown architecture gets no filter', () => {
    const program = instructions(seccompFilter('arm64') as Buffer);
    expect(program[1]?.k).toBe(0xc00000b7);
    expect(program[3]).toEqual({ code: 0x15, jt: program.length - 1 - 4, jf: 0, k: 217 }); // add_key
    expect(seccompFilter('riscv64')).toBeNull();
  });
});
