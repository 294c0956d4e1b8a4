// A tiny synthetic image set for the paper studies' run tests: each class lights a different band
// of rows, plus noise, so a network learns it in a few steps without it being trivial.
import { tf, Rng } from 'milab';

/** `rows` 28 x 28 x 1 images, labels 0..9 in turn, the noise drawn from `seed`. */
export function bandedImages(rows: number, seed: number): { x: tf.Tensor4D; labels: Int32Array } {
  const rng = new Rng(seed);
  const labels = Int32Array.from({ length: rows }, (_, i) => i % 10);
  const pixels = new Float32Array(rows * 28 * 28);
  for (let n = 0; n < rows; n++)
    for (let p = 0; p < 784; p++)
      pixels[n * 784 + p] = (Math.floor(p / 28 / 3) === labels[n] ? 0.8 : 0) + 0.3 * rng.uniform();
  return { x: tf.tensor4d(pixels, [rows, 28, 28, 1]), labels };
}
