/**
 * Where the mock's random choices come from: RequestIds, the emulator's ids and verification codes, fault draws.
 * Unseeded, node:crypto's generator; with a seed (`--seed`), one sfc32 generator, so that two mocks given the same seed
 * and the same requests (in the same order) make the same choices.
 *
 * sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG, 32-bit, from PractRand; period at least 2^32, passes
 * PractRand and BigCrush) is ten lines: a library for it would be a run-time dependency of every user's install for
 * less code than its import. It is not a cryptographic generator, which a mock's made-up ids do not need.
 */
import { randomInt, randomUUID } from 'node:crypto';

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max). */
  int(min: number, max: number): number;
  /** An upper-case RFC 9562 version 4 UUID (a RequestId). */
  uuid(): string;
}

/** node:crypto's generator (the default). */
export const systemRandom: Random = {
  next: () => randomInt(0, 2 ** 48) / 2 ** 48,
  int: (min, max) => randomInt(min, max),
  uuid: () => randomUUID().toUpperCase(),
};

/** The largest seed `--seed` takes: seeds are unsigned 32-bit integers (sfc32's word). */
export const MAX_SEED = 2 ** 32 - 1;

const HEX = '0123456789ABCDEF';

/** sfc32 seeded with `seed` (an integer from 0 to MAX_SEED), warmed up with 15 rounds as its author recommends. */
export function seededRandom(seed: number): Random {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)
    throw new RangeError(`seed must be an integer from 0 to ${MAX_SEED}`);
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) u32();
  const next = (): number => u32() / 2 ** 32;
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min)),
    uuid: () => {
      let out = '';
      for (let i = 0; i < 32; i++) {
        // version 4 and the RFC variant (10xx) in their nibbles
        const nibble = i === 12 ? 4 : i === 16 ? 8 + (u32() & 3) : u32() & 15;
        out += HEX[nibble];
        if (i === 7 || i === 11 || i === 15 || i === 19) out += '-';
      }
      return out;
    },
  };
}
