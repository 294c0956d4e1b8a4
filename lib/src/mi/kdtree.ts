// Neighbour search under the max-norm (Chebyshev distance), the metric of the KSG family.
// A k-d tree (median splits on the widest dimension, leaves of up to 16 points, a bounding box per
// node) gives k-nearest-neighbour distances and "how many points lie strictly within r" counts in
// roughly O(log N) each for low dimensions, with O(N) memory. One-dimensional marginals, the common
// case, use a sorted array and binary search instead.
//
// Every distance is computed as Math.abs(a - b) on the stored coordinates, and the box tests use
// the same subtractions, so a neighbour found at joint distance eps is measured identically when
// the marginal counts ask "strictly less than eps" (rounding cannot move it across the boundary).
import { Matrix } from './matrix';

const LEAF_SIZE = 16;

export class KdTree {
  readonly size: number;
  readonly dim: number;
  /** Coordinates in tree order (points of a node are contiguous). */
  private readonly points: Float64Array;
  /** Original row -> position in tree order. */
  private readonly position: Int32Array;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly boxMin: Float64Array;
  private readonly boxMax: Float64Array;
  private nodes = 0;
  // Query scratch, reused to keep queries allocation-free.
  private readonly query: Float64Array;
  private best: Float64Array = new Float64Array(0);
  private filled = 0;
  private k = 0;
  private skip = -1;

  constructor(m: Matrix) {
    const n = m.rows;
    const dim = m.cols;
    this.size = n;
    this.dim = dim;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    // Leaves hold more than LEAF_SIZE / 2 points unless n is smaller, so this bounds the node
    // count.
    const maxNodes = 2 * Math.ceil(n / Math.floor((LEAF_SIZE + 1) / 2)) + 1;
    this.start = new Int32Array(maxNodes);
    this.end = new Int32Array(maxNodes);
    this.left = new Int32Array(maxNodes).fill(-1);
    this.right = new Int32Array(maxNodes).fill(-1);
    this.boxMin = new Float64Array(maxNodes * dim);
    this.boxMax = new Float64Array(maxNodes * dim);
    this.query = new Float64Array(dim);
    this.build(m.data, order, 0, n);
    this.points = new Float64Array(n * dim);
    this.position = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      this.points.set(m.data.subarray(order[p] * dim, (order[p] + 1) * dim), p * dim);
      this.position[order[p]] = p;
    }
  }

  /** Distance from row `row` to its k-th nearest other row (other rows at distance 0 count). */
  kthNeighbourDistance(row: number, k: number): number {
    if (k > this.size - 1)
      throw new RangeError(`k = ${k} needs at least ${k + 1} points, the tree has ${this.size}`);
    if (this.best.length < k) this.best = new Float64Array(k);
    this.k = k;
    this.filled = 0;
    const p = this.position[row];
    this.skip = p;
    this.query.set(this.points.subarray(p * this.dim, (p + 1) * this.dim));
    this.searchNearest(0);
    return this.best[k - 1];
  }

  /** Number of rows (the row itself included) strictly closer than `radius` to row `row`. */
  countWithin(row: number, radius: number): number {
    const p = this.position[row];
    this.query.set(this.points.subarray(p * this.dim, (p + 1) * this.dim));
    return this.countNode(0, radius);
  }

  private build(data: Float64Array, order: Int32Array, lo: number, hi: number): number {
    const node = this.nodes++;
    const dim = this.dim;
    this.start[node] = lo;
    this.end[node] = hi;
    const base = node * dim;
    for (let j = 0; j < dim; j++) {
      this.boxMin[base + j] = Infinity;
      this.boxMax[base + j] = -Infinity;
    }
    for (let p = lo; p < hi; p++) {
      const row = order[p] * dim;
      for (let j = 0; j < dim; j++) {
        const v = data[row + j];
        if (v < this.boxMin[base + j]) this.boxMin[base + j] = v;
        if (v > this.boxMax[base + j]) this.boxMax[base + j] = v;
      }
    }
    if (hi - lo <= LEAF_SIZE) return node;
    let splitDim = 0;
    let widest = -1;
    for (let j = 0; j < dim; j++) {
      const spread = this.boxMax[base + j] - this.boxMin[base + j];
      if (spread > widest) {
        widest = spread;
        splitDim = j;
      }
    }
    if (widest === 0) return node; // all points identical: nothing to separate
    const mid = (lo + hi) >> 1;
    selectNth(data, dim, splitDim, order, lo, hi - 1, mid);
    this.left[node] = this.build(data, order, lo, mid);
    this.right[node] = this.build(data, order, mid, hi);
    return node;
  }

  private boxDistance(node: number): number {
    const base = node * this.dim;
    let d = 0;
    for (let j = 0; j < this.dim; j++) {
      const q = this.query[j];
      const lo = this.boxMin[base + j];
      const hi = this.boxMax[base + j];
      const gap = q < lo ? lo - q : q > hi ? q - hi : 0;
      if (gap > d) d = gap;
    }
    return d;
  }

  private searchNearest(node: number): void {
    const left = this.left[node];
    if (left < 0) {
      this.scanLeaf(node);
      return;
    }
    const right = this.right[node];
    const dl = this.boxDistance(left);
    const dr = this.boxDistance(right);
    // Nearer child first, so the far one is usually pruned by then.
    if (dl <= dr) {
      if (dl < this.worst()) this.searchNearest(left);
      if (dr < this.worst()) this.searchNearest(right);
    } else {
      if (dr < this.worst()) this.searchNearest(right);
      if (dl < this.worst()) this.searchNearest(left);
    }
  }

  private worst(): number {
    return this.filled < this.k ? Infinity : this.best[this.k - 1];
  }

  private scanLeaf(node: number): void {
    const dim = this.dim;
    const q = this.query;
    const best = this.best;
    for (let p = this.start[node]; p < this.end[node]; p++) {
      if (p === this.skip) continue;
      const limit = this.worst();
      const base = p * dim;
      let d = 0;
      for (let j = 0; j < dim && d < limit; j++) {
        const diff = Math.abs(q[j] - this.points[base + j]);
        if (diff > d) d = diff;
      }
      if (d >= limit) continue;
      // Insertion into the sorted list of the k best distances (k is small).
      let i = this.filled < this.k ? this.filled++ : this.k - 1;
      while (i > 0 && best[i - 1] > d) {
        best[i] = best[i - 1];
        i--;
      }
      best[i] = d;
    }
  }

  private countNode(node: number, radius: number): number {
    const dim = this.dim;
    const base = node * dim;
    let nearest = 0;
    let farthest = 0;
    for (let j = 0; j < dim; j++) {
      const q = this.query[j];
      const lo = this.boxMin[base + j];
      const hi = this.boxMax[base + j];
      let near: number;
      let far: number;
      if (q < lo) {
        near = lo - q;
        far = hi - q;
      } else if (q > hi) {
        near = q - hi;
        far = q - lo;
      } else {
        near = 0;
        far = q - lo > hi - q ? q - lo : hi - q;
      }
      if (near > nearest) nearest = near;
      if (far > farthest) farthest = far;
    }
    if (nearest >= radius) return 0;
    if (farthest < radius) return this.end[node] - this.start[node];
    const left = this.left[node];
    if (left >= 0) return this.countNode(left, radius) + this.countNode(this.right[node], radius);
    let count = 0;
    for (let p = this.start[node]; p < this.end[node]; p++) {
      const pb = p * dim;
      let d = 0;
      for (let j = 0; j < dim && d < radius; j++) {
        const diff = Math.abs(this.query[j] - this.points[pb + j]);
        if (diff > d) d = diff;
      }
      if (d < radius) count++;
    }
    return count;
  }
}

/** Quickselect (Hoare partition, middle pivot): afterwards order[nth] holds the point whose
 * coordinate `axis` is the nth smallest in order[lo..hi], smaller ones before it, larger after. */
function selectNth(
  data: Float64Array,
  dim: number,
  axis: number,
  order: Int32Array,
  lo: number,
  hi: number,
  nth: number,
): void {
  while (hi > lo) {
    const pivot = data[order[(lo + hi) >> 1] * dim + axis];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (data[order[i] * dim + axis] < pivot) i++;
      while (data[order[j] * dim + axis] > pivot) j--;
      if (i <= j) {
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        i++;
        j--;
      }
    }
    if (nth <= j) hi = j;
    else if (nth >= i) lo = i;
    else return;
  }
}

/** For every row, the max-norm distance to its k-th nearest other row. */
export function kthNeighbourDistances(m: Matrix, k: number): Float64Array {
  const tree = new KdTree(m);
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = tree.kthNeighbourDistance(i, k);
  return out;
}

/** For every row i, how many other rows lie strictly closer than radii[i] (max-norm). */
export function countNeighboursWithin(m: Matrix, radii: Float64Array): Int32Array {
  const out = new Int32Array(m.rows);
  if (m.cols === 1) {
    countSorted1d(m.data, radii, out);
    return out;
  }
  const tree = new KdTree(m);
  for (let i = 0; i < m.rows; i++) {
    const r = radii[i];
    // The row itself is at distance 0, inside any positive radius.
    out[i] = r > 0 ? tree.countWithin(i, r) - 1 : 0;
  }
  return out;
}

function countSorted1d(values: Float64Array, radii: Float64Array, out: Int32Array): void {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const r = radii[i];
    if (!(r > 0)) continue;
    // First index with v - s < r (s ascending, so v - s descends: a monotone predicate).
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v - sorted[mid] < r) hi = mid;
      else lo = mid + 1;
    }
    const first = lo;
    // First index with s - v >= r.
    hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] - v >= r) hi = mid;
      else lo = mid + 1;
    }
    out[i] = lo - first - 1;
  }
}
