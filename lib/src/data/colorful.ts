// A procedural "colorful MNIST" (the beta-BNN paper's data, after Bulten): each grey digit is
// binarised at half intensity and pasted onto a random 28x28 crop of a colour texture, the crop
// inverted under the digit, optionally shifted in colour, (x + u) / 2 with u ~ U(0, 1) per channel.
// Bulten used crops of the Lena photograph, which is not available offline: the texture here is a
// seeded smooth random image (a few low-frequency sinusoids per channel), so results on it are
// "procedural colorful MNIST", not the paper's data.
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import type { ImageDataset } from './images';

export interface ColorfulOptions {
  seed: number;
  /** Apply the random per-image colour shift (default true). */
  colorShift?: boolean;
  /** Side of the square texture the crops come from (default 256). */
  textureSize?: number;
}

/** A seeded smooth RGB texture in [0, 1], [size, size, 3] row-major. */
export function proceduralTexture(size: number, seed: number): Float32Array {
  if (!Number.isInteger(size) || size < 28)
    inputError(`textureSize must be an integer >= 28, got ${size}`);
  const rng = new Rng(seed).fork('texture');
  const out = new Float32Array(size * size * 3);
  for (let c = 0; c < 3; c++) {
    const waves = Array.from({ length: 6 }, () => ({
      fx: (1 + rng.int(6)) / size,
      fy: (1 + rng.int(6)) / size,
      phase: 2 * Math.PI * rng.uniform(),
      weight: 0.5 + rng.uniform(),
    }));
    const total = waves.reduce((a, w) => a + w.weight, 0);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        let v = 0;
        for (const w of waves)
          v += w.weight * Math.sin(2 * Math.PI * (w.fx * x + w.fy * y) + w.phase);
        out[(y * size + x) * 3 + c] = 0.5 + (0.5 * v) / total;
      }
  }
  return out;
}

/** The colorful variant of a grey 28x28 dataset (channels 3, pixels 0-255). */
export function colorfulMnist(dataset: ImageDataset, options: ColorfulOptions): ImageDataset {
  if (dataset.channels !== 1 || dataset.height !== 28 || dataset.width !== 28)
    inputError(
      `colorfulMnist takes grey 28x28 images, got ${dataset.height}x${dataset.width}x${dataset.channels}`,
    );
  const size = options.textureSize ?? 256;
  const texture = proceduralTexture(size, options.seed);
  const rng = new Rng(options.seed).fork('crops');
  const images = new Uint8Array(dataset.count * 28 * 28 * 3);
  for (let n = 0; n < dataset.count; n++) {
    const top = rng.int(size - 27);
    const left = rng.int(size - 27);
    const shift =
      options.colorShift === false ? null : [rng.uniform(), rng.uniform(), rng.uniform()];
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++) {
        const digit = dataset.images[n * 784 + y * 28 + x] > 127;
        for (let c = 0; c < 3; c++) {
          let v = texture[((top + y) * size + left + x) * 3 + c];
          if (digit) v = 1 - v;
          if (shift) v = (v + shift[c]) / 2;
          images[((n * 28 + y) * 28 + x) * 3 + c] = Math.round(255 * v);
        }
      }
  }
  return {
    ...dataset,
    name: `${dataset.name} (procedural colorful)`,
    channels: 3,
    shape: [dataset.count, 28, 28, 3],
    images,
  };
}
