// Class-balanced and few-samples-per-class subsets and the procedural colorful MNIST: exact class
// counts, seeded;
// a smooth texture in [0, 1]; digits pasted as inverted texture (a digit pixel and its background
// neighbour sum to about 1, the texture being smooth), the colour shift kept in range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Rng,
  perClassSubset,
  stratifiedSubset,
  proceduralTexture,
  colorfulMnist,
  type ImageDataset,
} from 'milab';

test('stratifiedSubset: balanced, exactly the count asked, also when a class is short', () => {
  // Classes of 30, 30, 30 and 5 examples; 60 asked: 15 each is impossible for class 3.
  const labels = Uint8Array.from({ length: 95 }, (_, i) => (i < 90 ? i % 3 : 3));
  const all = Int32Array.from({ length: 95 }, (_, i) => i);
  const a = stratifiedSubset(all, labels, 60, new Rng(1));
  assert.equal(a.length, 60);
  assert.equal(new Set(a).size, 60);
  const counts = [0, 1, 2, 3].map((c) => Array.from(a).filter((i) => labels[i] === c).length);
  assert.equal(counts[3], 5);
  assert.ok(
    counts.slice(0, 3).every((n) => n >= 18 && n <= 19),
    `counts ${counts}`,
  );
  assert.deepEqual(Array.from(stratifiedSubset(all, labels, 60, new Rng(1))), Array.from(a));
  const even = stratifiedSubset(all.slice(0, 90), labels, 30, new Rng(2));
  for (let c = 0; c < 3; c++)
    assert.equal(Array.from(even).filter((i) => labels[i] === c).length, 10);
});

test('perClassSubset: exactly n of every class, seeded; too few is an error', () => {
  const labels = Int32Array.from({ length: 100 }, (_, i) => i % 4);
  const all = Int32Array.from({ length: 100 }, (_, i) => i);
  const a = perClassSubset(all, labels, 5, new Rng(1));
  const b = perClassSubset(all, labels, 5, new Rng(1));
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.equal(a.length, 20);
  for (let c = 0; c < 4; c++) assert.equal(Array.from(a).filter((i) => labels[i] === c).length, 5);
  assert.notDeepEqual(Array.from(perClassSubset(all, labels, 5, new Rng(2))), Array.from(a));
  assert.throws(
    () => perClassSubset(all, labels, 26, new Rng(1)),
    /class 0 has 25 examples, fewer than the 26 asked for/,
  );
});

test('the procedural texture is seeded, smooth and in [0, 1]', () => {
  const t = proceduralTexture(256, 3);
  assert.deepEqual(Array.from(t), Array.from(proceduralTexture(256, 3)));
  assert.notDeepEqual(Array.from(t), Array.from(proceduralTexture(256, 4)));
  assert.ok(t.every((v) => v >= 0 && v <= 1));
  let maxStep = 0;
  for (let y = 0; y < 64; y++)
    for (let x = 1; x < 64; x++)
      for (let c = 0; c < 3; c++)
        maxStep = Math.max(
          maxStep,
          Math.abs(t[(y * 64 + x) * 3 + c] - t[(y * 64 + x - 1) * 3 + c]),
        );
  assert.ok(maxStep < 0.15, `neighbouring pixels differ by up to ${maxStep}`);
  assert.throws(() => proceduralTexture(10, 1), /textureSize must be an integer >= 28/);
});

function digits(count: number): ImageDataset {
  // A vertical bar in columns 10..13 of every image.
  const images = new Uint8Array(count * 784);
  for (let n = 0; n < count; n++)
    for (let y = 4; y < 24; y++) for (let x = 10; x < 14; x++) images[n * 784 + y * 28 + x] = 255;
  return {
    name: 'bars',
    split: 'train',
    count,
    height: 28,
    width: 28,
    channels: 1,
    images,
    shape: [count, 28, 28],
    labels: new Uint8Array(count),
    classNames: ['bar'],
  } as ImageDataset;
}

test('colorful MNIST: the digit is the inverted texture; the colour shift stays in range', () => {
  const grey = digits(5);
  const plain = colorfulMnist(grey, { seed: 1, colorShift: false });
  assert.equal(plain.channels, 3);
  assert.deepEqual(plain.shape, [5, 28, 28, 3]);
  const at = (d: ImageDataset, n: number, y: number, x: number, c: number) =>
    d.images[((n * 28 + y) * 28 + x) * 3 + c] / 255;
  for (let n = 0; n < 5; n++)
    for (const y of [5, 12, 20])
      for (let c = 0; c < 3; c++) {
        // Column 10 is digit, column 9 background: inverted texture plus texture, about 1.
        const sum = at(plain, n, y, 10, c) + at(plain, n, y, 9, c);
        assert.ok(Math.abs(sum - 1) < 0.08 + 2 / 255, `image ${n} row ${y} channel ${c}: ${sum}`);
      }
  const shifted = colorfulMnist(grey, { seed: 1 });
  assert.ok(shifted.images.some((v, i) => v !== plain.images[i]));
  assert.deepEqual(Array.from(colorfulMnist(grey, { seed: 1 }).images), Array.from(shifted.images));
  assert.throws(() => colorfulMnist(plain, { seed: 1 }), /takes grey 28x28 images, got 28x28x3/);
});
