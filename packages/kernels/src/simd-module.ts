// A tiny WebAssembly module with SIMD (f32x4) loops for the fused optimizer updates, assembled
// here byte by byte so nothing is downloaded or generated at build time. It imports the wasm
// backend's own memory and works on tensors where they lie, at their heap offsets.
//
// Each function takes byte offsets (x, state..., g, outputs...), the byte count to process
// (a multiple of 16: the caller finishes the last < 4 elements), and f32 hyper-parameters.

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
};

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Instructions.
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const simd = (op: number) => [0xfd, ...uleb(op)];
const load = [...simd(0x00), 2, 0]; // v128.load, align hint 4 bytes, offset 0
const store = [...simd(0x0b), 2, 0];
const splat = simd(0x13);
const [sqrt, add, sub, mul, div] = [0xe3, 0xe4, 0xe5, 0xe6, 0xe7].map(simd) as [
  number[],
  number[],
  number[],
  number[],
  number[],
];
const i32Add = [0x6a];

interface Kernel {
  name: string;
  /** Pointer parameters (byte offsets), then the byte count, then f32 parameters. */
  pointers: number;
  scalars: number;
  /** Extra v128 locals after the splats. */
  temps: number;
  /** The loop body, given local indices. */
  body(l: Locals): number[];
}

interface Locals {
  ptr(k: number): number;
  /** The splat of f32 parameter k. */
  k(k: number): number;
  temp(k: number): number;
  i: number;
}

/** `address = ptr(k) + i`, then v128.load. */
const at = (l: Locals, k: number) => [...get(l.ptr(k)), ...get(l.i), ...i32Add];
const read = (l: Locals, k: number) => [...at(l, k), ...load];

function func(kernel: Kernel): { type: number[]; code: number[] } {
  const { pointers, scalars, temps } = kernel;
  const params = [...Array(pointers + 1).fill(I32), ...Array(scalars).fill(F32)];
  const bytes = pointers;
  const i = pointers + 1 + scalars;
  const locals: Locals = {
    ptr: (k) => k,
    k: (k) => i + 1 + k,
    temp: (k) => i + 1 + scalars + k,
    i,
  };
  const splats = Array.from({ length: scalars }, (_, k) => [
    ...get(pointers + 1 + k),
    ...splat,
    ...set(locals.k(k)),
  ]).flat();
  const loop = [
    0x02,
    0x40, // block
    0x03,
    0x40, // loop
    ...get(i),
    ...get(bytes),
    0x4f,
    0x0d,
    1, // if i >= bytes: break
    ...kernel.body(locals),
    ...get(i),
    0x41,
    ...sleb(16),
    ...i32Add,
    ...set(i), // i += 16
    0x0c,
    0, // continue
    0x0b,
    0x0b, // end loop, end block
  ];
  const localDecls = vec([
    [...uleb(1), I32],
    [...uleb(scalars + temps), V128],
  ]);
  const body = [...localDecls, ...splats, ...loop, 0x0b];
  return {
    type: [0x60, ...vec(params.map((p) => [p])), ...vec([])],
    code: [...uleb(body.length), ...body],
  };
}

// adam(x, m, v, g, xo, mo, vo, bytes; beta1, 1 - beta1, beta2, 1 - beta2, lr / c1, 1 / c2, eps)
const ADAM: Kernel = {
  name: 'adam',
  pointers: 7,
  scalars: 7,
  temps: 3,
  body: (l) => {
    const [g, m, v] = [l.temp(0), l.temp(1), l.temp(2)];
    return [
      ...read(l, 3),
      ...set(g),
      ...read(l, 1),
      ...get(l.k(0)),
      ...mul,
      ...get(g),
      ...get(l.k(1)),
      ...mul,
      ...add,
      ...set(m),
      ...read(l, 2),
      ...get(l.k(2)),
      ...mul,
      ...get(g),
      ...get(g),
      ...mul,
      ...get(l.k(3)),
      ...mul,
      ...add,
      ...set(v),
      ...at(l, 5),
      ...get(m),
      ...store,
      ...at(l, 6),
      ...get(v),
      ...store,
      ...at(l, 4),
      ...read(l, 0),
      ...get(l.k(4)),
      ...get(m),
      ...mul,
      ...get(v),
      ...get(l.k(5)),
      ...mul,
      ...sqrt,
      ...get(l.k(6)),
      ...add,
      ...div,
      ...sub,
      ...store,
    ];
  },
};

// sgd(x, g, xo, bytes; lr)
const SGD: Kernel = {
  name: 'sgd',
  pointers: 3,
  scalars: 1,
  temps: 0,
  body: (l) => [
    ...at(l, 2),
    ...read(l, 0),
    ...get(l.k(0)),
    ...read(l, 1),
    ...mul,
    ...sub,
    ...store,
  ],
};

// momentum(x, a, g, xo, ao, bytes; lr, mu, nesterov ? 1 : 0)
const MOMENTUM: Kernel = {
  name: 'momentum',
  pointers: 5,
  scalars: 3,
  temps: 2,
  body: (l) => {
    const [g, a] = [l.temp(0), l.temp(1)];
    return [
      ...read(l, 2),
      ...set(g),
      ...read(l, 1),
      ...get(l.k(1)),
      ...mul,
      ...get(g),
      ...add,
      ...set(a),
      ...at(l, 4),
      ...get(a),
      ...store,
      // x - lr * (a + nesterov * (g + mu a - a)): nesterov 0 gives a, 1 gives g + mu a.
      ...at(l, 3),
      ...read(l, 0),
      ...get(l.k(0)),
      ...get(a),
      ...get(l.k(2)),
      ...get(g),
      ...get(l.k(1)),
      ...get(a),
      ...mul,
      ...add,
      ...get(a),
      ...sub,
      ...mul,
      ...add,
      ...mul,
      ...sub,
      ...store,
    ];
  },
};

const KERNELS = [ADAM, SGD, MOMENTUM];

/** The module's bytes (also what the tests check against a JS loop). */
export function simdModuleBytes(): Uint8Array<ArrayBuffer> {
  const funcs = KERNELS.map(func);
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(funcs.map((f) => f.type))),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec(funcs.map((_, k) => uleb(k)))),
    ...section(7, vec(KERNELS.map((k, idx) => [...name(k.name), 0x00, ...uleb(idx)]))),
    ...section(10, vec(funcs.map((f) => f.code))),
  ];
  return new Uint8Array(bytes);
}

export interface SimdUpdates {
  adam(...args: number[]): void;
  sgd(...args: number[]): void;
  momentum(...args: number[]): void;
}

const instances = new WeakMap<WebAssembly.Memory, SimdUpdates | null>();
let compiled: WebAssembly.Module | null | undefined;

/**
 * The SIMD update functions bound to `memory`, or `null` where they cannot run (no wasm SIMD,
 * a shared memory of the threaded build): the callers then loop in JS.
 */
export function simdUpdates(memory: WebAssembly.Memory | undefined): SimdUpdates | null {
  if (
    memory === undefined ||
    (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer)
  ) {
    return null;
  }
  if (instances.has(memory)) return instances.get(memory)!;
  let result: SimdUpdates | null = null;
  try {
    compiled ??= new WebAssembly.Module(simdModuleBytes());
    result = new WebAssembly.Instance(compiled, { env: { memory } })
      .exports as unknown as SimdUpdates;
  } catch {
    compiled = null;
  }
  instances.set(memory, result);
  return result;
}
