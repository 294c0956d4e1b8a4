// The shapes the stock wasm kernels (XNNPACK underneath) get wrong, caught before they run.
//  - Empty operands: XNNPACK refuses an operator with a zero dimension (status 2: a product with an
//    inner dimension of 0, a convolution or pool over 0 channels) and the stock kernel returns its
//    uninitialised output anyway. Empty inputs are cheap, so the cpu backend computes them.
//  - Output shapes: the stock kernel allocates TF.js's output shape but XNNPACK writes the one it
//    computes itself, floor((in + pads - filter) / stride) + 1 per axis. Where TF.js's is larger
//    (dimRoundingMode 'ceil'/'round') the extra entries were garbage; where it is smaller XNNPACK
//    wrote past the end of the output buffer, corrupting the heap. Those shapes run on cpu.
//  - TF.js 4.22 sizes a numeric `pad` with the filter HEIGHT and row stride for both axes
//    (conv_util computeOutputShape2D), so a non-square filter, unequal strides or unequal
//    dilations give a width that is not the convolution's. Every backend would return that wrong
//    shape, so it is refused (here and on cpu, one check for both) with the explicit padding that
//    works. So are gradients whose dy does not fit the window geometry, and pools with a window
//    that holds only padding (cpu: NaN or -Infinity).
//  - 'same' padding goes to XNNPACK spelled out: its own TensorFlow-SAME mode disagreed with
//    TF.js for strides larger than the filter (a 3x2 filter, stride 3: errors as large as values).
//  - Fused bias/activation epilogues other than one value per output channel: the stock kernels
//    throw (rank-2 bias) or index a shorter or broadcast weight tensor as if it had one value per
//    channel. Those run as the plain kernel followed by Add and the activation's own kernel.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors';
import { runOnCpu } from './cpu-fallback';
import { Info, Scratch, replaceWasmKernel, size, stockKernel, withScratch } from './wasm-util';

type Args = Parameters<tf.KernelFunc>[0];
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface WindowAttrs {
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
  filterSize?: number | [number, number];
  filterShape?: number[];
  inputShape?: number[];
}

const CONV_KERNELS = ['Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D'];
const POOL_KERNELS = ['MaxPool', 'AvgPool'];
const POOL_GRADIENTS = ['MaxPoolGrad', 'AvgPoolGrad'];
/** Kernels whose attrs size a 2-D window: checkWindow applies to all of them. */
const WINDOW_KERNELS = [
  ...CONV_KERNELS,
  ...POOL_KERNELS,
  ...POOL_GRADIENTS,
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
];

export function registerWasmGuards(): void {
  for (const name of [...CONV_KERNELS, ...POOL_KERNELS]) {
    replaceWasmKernel(name, (args) => {
      checkWindow(name, args);
      if (hasEmptyInput(args) || !xnnpackShapeAgrees(name, args)) return runOnCpu(name, args);
      if (!name.startsWith('Fused') || epilogueIsPerChannel(name, args)) {
        return stockKernel(name).kernelFunc(explicitSame(name, args));
      }
      // The plain convolution, then the epilogue as separate kernels.
      const { bias, preluActivationWeights, ...plainInputs } = args.inputs;
      const plain = name === 'FusedConv2D' ? 'Conv2D' : 'DepthwiseConv2dNative';
      const activation = args.attrs as unknown as ActivationAttrs;
      return withScratch(args.backend, (s) => {
        const out = s.run(plain, plainInputs, explicitSame(name, args).attrs);
        return s.keep(epilogue(s, out, bias, preluActivationWeights, activation));
      });
    });
  }
  replaceWasmKernel('Prelu', (args) => {
    const { x, alpha } = args.inputs as { x: Info; alpha: Info };
    // The stock kernel reads alpha as one slope per channel of the last axis, whatever its shape.
    const perChannel = perLastAxis(alpha, x.shape[x.shape.length - 1]);
    if (hasEmptyInput(args) || !perChannel) return runOnCpu('Prelu', args);
    return stockKernel('Prelu').kernelFunc(args);
  });
}

/** The window checks on other backends too (their kernels share TF.js's shape computation). */
export function registerWindowChecks(backendName: string): void {
  for (const name of WINDOW_KERNELS) {
    const config = tf.getKernel(name, backendName);
    if (!config || (config as { milabChecked?: boolean }).milabChecked) continue;
    tf.unregisterKernel(name, backendName);
    const checked: tf.KernelConfig & { milabChecked?: boolean } = {
      ...config,
      kernelFunc: (args) => {
        checkWindow(name, args);
        return config.kernelFunc(args);
      },
    };
    checked.milabChecked = true;
    tf.registerKernel(checked);
  }
}

export function hasEmptyInput(args: Args): boolean {
  return Object.values(args.inputs).some((t) => t != null && size(t.shape) === 0);
}

/** The 2-D window geometry TF.js computes for a kernel's inputs (NHWC or NCHW). */
function windowInfo(name: string, args: Args): tf.backend_util.Conv2DInfo {
  const a = args.attrs as unknown as WindowAttrs;
  const inputs = args.inputs as Record<string, Info>;
  const format = tf.backend_util.convertConv2DDataFormat(a.dataFormat ?? 'NHWC');
  type Shape4 = [number, number, number, number];
  const xShape = ((inputs.x ?? inputs.input)?.shape ?? a.inputShape) as Shape4;
  if (isPool(name)) {
    return tf.backend_util.computePool2DInfo(
      xShape,
      a.filterSize!,
      a.strides,
      a.dilations ?? 1,
      a.pad,
      a.dimRoundingMode,
    );
  }
  const filterShape = (inputs.filter?.shape ?? a.filterShape) as Shape4;
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    name.includes('Depthwise'),
    format,
  );
}

function isPool(name: string): boolean {
  return POOL_KERNELS.includes(name) || POOL_GRADIENTS.includes(name);
}

/** Output extent of one axis as a convolution defines it (and XNNPACK computes it). */
function trueExtent(inSize: number, filter: number, stride: number, pads: number, same: boolean) {
  return same ? Math.ceil(inSize / stride) : Math.floor((inSize + pads - filter) / stride) + 1;
}

/** The refusals of the header: a numeric pad TF.js sizes wrongly, a dy that does not fit the
 * geometry (the kernels index dy by it: past its end, or in the wrong layout), and pool windows
 * made of padding alone. */
function checkWindow(name: string, args: Args): void {
  const { pad, dimRoundingMode } = args.attrs as unknown as WindowAttrs;
  const dy = (args.inputs as Record<string, Info | undefined>).dy;
  if (!dy && (pad === 'valid' || pad === 'same')) return; // nothing to refuse there
  const info = windowInfo(name, args);
  const [fh, fw] = [info.effectiveFilterHeight, info.effectiveFilterWidth];
  if (dy && (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== info.outShape[i]))) {
    // (TF.js drops dimRoundingMode when it differentiates a conv or pool: such forwards end here.)
    inputError(
      `${name}: dy has shape [${dy.shape}] but the input shape, filter, strides and pad ` +
        `give [${info.outShape}] (a dimRoundingMode forward has no gradient in TF.js)`,
    );
  }
  if (typeof pad === 'number') {
    const round = (v: number) =>
      dimRoundingMode === undefined
        ? Math.trunc(v) // as TF.js rounds
        : dimRoundingMode === 'ceil'
          ? Math.ceil(v)
          : dimRoundingMode === 'round'
            ? Math.round(v)
            : Math.floor(v);
    const height = round((info.inHeight - fh + 2 * pad) / info.strideHeight + 1);
    const width = round((info.inWidth - fw + 2 * pad) / info.strideWidth + 1);
    if (height !== info.outHeight || width !== info.outWidth) {
      const strides = `[${info.strideHeight},${info.strideWidth}]`;
      const explicit = `[[0,0],[${pad},${pad}],[${pad},${pad}],[0,0]]`;
      const got = `${info.outHeight}x${info.outWidth}`;
      inputError(
        `${name}: numeric pad ${pad} with a ${fh}x${fw} window and strides ${strides} ` +
          `gets output ${got} from TF.js instead of ${height}x${width}; pass pad as ${explicit}`,
      );
    }
  }
  const p = info.padInfo;
  const lastRow = (info.outHeight - 1) * info.strideHeight - p.top;
  const lastColumn = (info.outWidth - 1) * info.strideWidth - p.left;
  if (
    isPool(name) &&
    (p.top >= fh || p.left >= fw || lastRow >= info.inHeight || lastColumn >= info.inWidth)
  ) {
    const pads = `[${p.top},${p.bottom},${p.left},${p.right}]`;
    inputError(
      `${name}: padding ${pads} leaves a ${fh}x${fw} window with no input in it ` +
        '(its max or mean is undefined); pad less than the window',
    );
  }
}

/** Whether the output shape TF.js allocates is the one XNNPACK writes (see the header). */
function xnnpackShapeAgrees(name: string, args: Args): boolean {
  const info = windowInfo(name, args);
  const p = info.padInfo;
  const same = p.type === 'SAME';
  const height = trueExtent(
    info.inHeight,
    info.effectiveFilterHeight,
    info.strideHeight,
    p.top + p.bottom,
    same,
  );
  const width = trueExtent(
    info.inWidth,
    info.effectiveFilterWidth,
    info.strideWidth,
    p.left + p.right,
    same,
  );
  return info.outHeight === height && info.outWidth === width && height > 0 && width > 0;
}

/** 'same' padding spelled out for XNNPACK (see the header). */
function explicitSame(name: string, args: Args): Args {
  if ((args.attrs as unknown as WindowAttrs).pad !== 'same') return args;
  const p = windowInfo(name, args).padInfo;
  const pad = [
    [0, 0],
    [p.top, p.bottom],
    [p.left, p.right],
    [0, 0],
  ];
  return { ...args, attrs: { ...args.attrs, pad } as unknown as tf.NamedAttrMap };
}

/** t holds one value per channel of an axis of length n: shape [..1, n] (or absent). */
export function perLastAxis(t: Info | undefined | null, n: number): boolean {
  if (!t) return true;
  const s = t.shape;
  return s.length >= 1 && s[s.length - 1] === n && s.slice(0, -1).every((d) => d === 1);
}

/** The stock fused conv's epilogue is right only for a rank-1 [O] bias and per-channel slopes. */
function epilogueIsPerChannel(name: string, args: Args): boolean {
  const { filter, bias, preluActivationWeights } = args.inputs as Record<string, Info | undefined>;
  const f = filter!.shape;
  const channels = name === 'FusedDepthwiseConv2D' ? f[2] * f[3] : f[3];
  return (
    (!bias || (bias.shape.length === 1 && bias.shape[0] === channels)) &&
    perLastAxis(preluActivationWeights, channels)
  );
}

export interface ActivationAttrs {
  activation?: string;
  leakyreluAlpha?: number;
}

/** activation(out + bias) through the activations' own kernels (Add broadcasts any bias shape). */
export function epilogue(
  s: Scratch,
  out: Info,
  bias: Info | undefined,
  prelu: Info | undefined,
  attrs: ActivationAttrs,
): Info {
  const y = bias ? s.run('Add', { a: out, b: bias }) : out;
  switch (attrs.activation ?? 'linear') {
    case 'linear':
      return y;
    case 'relu':
      return s.run('Relu', { x: y });
    case 'relu6':
      return s.run('Relu6', { x: y });
    case 'elu':
      return s.run('Elu', { x: y });
    case 'sigmoid':
      return s.run('Sigmoid', { x: y });
    case 'leakyrelu':
      return s.run('LeakyRelu', { x: y }, { alpha: attrs.leakyreluAlpha ?? 0.2 });
    case 'prelu':
      if (!prelu) throw new Error('fused prelu activation without preluActivationWeights');
      return s.registered('Prelu', { x: y, alpha: prelu });
    default:
      throw new Error(`fused activation '${attrs.activation}' is not supported on wasm`);
  }
}
