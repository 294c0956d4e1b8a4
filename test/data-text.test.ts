// Text encoding (tokenizer, vocabulary, fixed-length id rows) and seeded dataset splits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MilabInputError,
  PAD_ID,
  TextVocabulary,
  UNKNOWN_ID,
  subsetTexts,
  tf,
  tokenIdsToTensor,
  tokenizeWords,
  trainValTestSplit,
  useBackend,
} from 'milab';

test('tokenizeWords: lowercase words, inner apostrophes kept, <br /> tags and punctuation dropped', () => {
  assert.deepEqual(tokenizeWords("It's GREAT!<br /><br />Don't miss it -- 10/10, naïve 'fun'."), [
    "it's",
    'great',
    "don't",
    'miss',
    'it',
    '10',
    '10',
    'naïve',
    'fun',
  ]);
  assert.deepEqual(tokenizeWords('   '), []);
});

test('TextVocabulary.fit: most frequent words, ties broken alphabetically, pad and unknown first', () => {
  const texts = ['b a c a', 'c b a d', 'e'];
  const vocab = TextVocabulary.fit(texts, { size: 5 });
  // counts: a 3, b 2, c 2, d 1, e 1 -> keep a, b, c (b before c: same count, alphabetical)
  assert.deepEqual(vocab.tokens, ['<pad>', '<unk>', 'a', 'b', 'c']);
  assert.equal(vocab.size, 5);
  assert.equal(vocab.id('a'), 2);
  assert.equal(vocab.id('zzz'), UNKNOWN_ID);
  assert.deepEqual(
    TextVocabulary.fit([...texts].reverse(), { size: 5 }).tokens,
    vocab.tokens,
    'order of texts must not matter',
  );
  assert.deepEqual(TextVocabulary.fit(texts, { size: 100, minCount: 2 }).tokens, [
    '<pad>',
    '<unk>',
    'a',
    'b',
    'c',
  ]);
  assert.deepEqual(TextVocabulary.fromTokens(vocab.tokens).tokens, vocab.tokens);
  assert.throws(() => TextVocabulary.fit(texts, { size: 2 }), MilabInputError);
  assert.throws(() => TextVocabulary.fromTokens(['a', 'b']), /must start with '<pad>', '<unk>'/);
});

test('encode: pad and truncate at either end; lengths; decode; int32 tensor without leaks', async () => {
  const vocab = TextVocabulary.fit(['a b c d'], { size: 6 });
  const texts = ['a b', 'a b c d zebra', ''];
  const post = vocab.encode(texts, { length: 3 });
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((w) => vocab.id(w));
  assert.deepEqual(post.shape, [3, 3]);
  assert.deepEqual(Array.from(post.ids), [a, b, PAD_ID, a, b, c, PAD_ID, PAD_ID, PAD_ID]);
  assert.deepEqual(Array.from(post.lengths), [2, 3, 0]);
  const pre = vocab.encode(texts, { length: 3, padding: 'pre', truncating: 'pre' });
  assert.deepEqual(Array.from(pre.ids), [PAD_ID, a, b, c, d, UNKNOWN_ID, PAD_ID, PAD_ID, PAD_ID]);
  assert.equal(vocab.decode(pre.ids.subarray(3, 6)), 'c d <unk>');
  assert.throws(() => vocab.encode(texts, { length: 0 }), /length must be a positive integer/);
  assert.throws(
    () => vocab.encode(texts, { length: 2, padding: 'middle' as 'pre' }),
    /padding must be 'pre' or 'post'/,
  );

  await useBackend({ quiet: true });
  const before = tf.memory().numTensors;
  const t = tokenIdsToTensor(post);
  assert.equal(t.dtype, 'int32');
  assert.deepEqual(t.shape, [3, 3]);
  assert.deepEqual(Array.from(t.dataSync()), Array.from(post.ids));
  t.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('trainValTestSplit: disjoint, complete, reproducible, and stratified when asked', () => {
  const n = 1001;
  const labels = Uint8Array.from({ length: n }, (_, i) => (i < 700 ? 0 : 1)); // sorted, like IMDB
  const s = trainValTestSplit(n, { seed: 3, val: 0.1, test: 0.2, stratify: labels });
  const all = [...s.train, ...s.val, ...s.test].sort((x, y) => x - y);
  assert.deepEqual(
    all,
    Array.from({ length: n }, (_, i) => i),
  );
  assert.equal(s.val.length, 70 + 30);
  assert.equal(s.test.length, 140 + 60);
  const positives = (idx: Int32Array) => idx.reduce((k, i) => k + labels[i], 0);
  assert.equal(positives(s.val), 30);
  assert.equal(positives(s.test), 60);
  assert.ok(
    s.train.slice(0, 50).some((i) => labels[i] === 1),
    'classes are interleaved, not in blocks',
  );
  const again = trainValTestSplit(n, { seed: 3, val: 0.1, test: 0.2, stratify: labels });
  assert.deepEqual(again, s);
  assert.notDeepEqual(
    trainValTestSplit(n, { seed: 4, val: 0.1, test: 0.2 }).train,
    trainValTestSplit(n, { seed: 3, val: 0.1, test: 0.2 }).train,
  );
  assert.throws(() => trainValTestSplit(n, { seed: 1, val: 0.5, test: 0.5 }), /val \+ test < 1/);
  assert.throws(
    () => trainValTestSplit(10, { seed: 1, val: 0.1, test: 0.1, stratify: [0, 1] }),
    /stratify has 2 labels for n = 10/,
  );
  assert.throws(
    () => trainValTestSplit(10, { seed: 1.5, val: 0.1, test: 0.1 }),
    /seed must be an integer/,
  );
});

test('subsetTexts picks texts and labels together', () => {
  const ds = {
    name: 'x',
    split: 'all' as const,
    count: 3,
    texts: ['a', 'b', 'c'],
    labels: Uint8Array.from([0, 1, 0]),
    classNames: ['n', 'p'],
  };
  const sub = subsetTexts(ds, [2, 1]);
  assert.deepEqual(sub.texts, ['c', 'b']);
  assert.deepEqual(Array.from(sub.labels), [0, 1]);
  assert.equal(sub.count, 2);
  assert.throws(() => subsetTexts(ds, [3]), /index 3 at position 0 is outside 0\.\.2/);
});
