// Splitting event text into values: a JSON array (compact, one per line, or pretty-printed) or NDJSON,
// fed whole or in tiny chunks; a value that is not JSON is reported at its index and the rest still count.
import t from 'tap';
import { splitValues, ValueSplitter, type RawValue } from '../../src/ltv/event-text.js';

const shown = (values: RawValue[]) =>
  values.map((v) => (v.error ? `${v.index}: ERROR` : `${v.index}: ${JSON.stringify(v.value)}`));

function inChunks(text: string, size: number): RawValue[] {
  const splitter = new ValueSplitter();
  const out: RawValue[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...splitter.push(text.slice(i, i + size)));
  return [...out, ...splitter.end()];
}

const PRETTY = '[\n  {\n    "a": [1, 2],\n    "s": "x,]\\"{"\n  },\n  42, "str", null\n]\n';

t.test('arrays in every layout give the same values', async (t) => {
  const expected = ['0: {"a":1}', '1: {"b":[2,3]}'];
  t.same(shown(splitValues('[{"a":1},{"b":[2,3]}]')), expected, 'compact');
  t.same(shown(splitValues('[{"a":1},\n{"b":[2,3]}\n]\n')), expected, 'one per line');
  t.same(
    shown(splitValues('[\n  {\n    "a": 1\n  },\n  {\n    "b": [\n      2,\n      3\n    ]\n  }\n]')),
    expected,
    'pretty-printed',
  );
  t.same(shown(splitValues(PRETTY)), ['0: {"a":[1,2],"s":"x,]\\"{"}', '1: 42', '2: "str"', '3: null']);
  t.same(shown(inChunks(PRETTY, 1)), shown(splitValues(PRETTY)), 'one character at a time');
  t.same(splitValues('[]'), []);
  t.same(splitValues('  \n'), []);
});

t.test('NDJSON: one value per line, blank lines skipped, a broken line rejected alone', async (t) => {
  const text = '{"a":1}\r\n\n{"b": broken\n42\n{"c":3}';
  t.same(shown(splitValues(text)), ['0: {"a":1}', '1: ERROR', '2: 42', '3: {"c":3}']);
  t.same(shown(inChunks(text, 3)), shown(splitValues(text)));
  t.match(splitValues(text)[1]!.error, /^not valid JSON/);
});

t.test('a broken element of an array is rejected alone; text after the array is reported', async (t) => {
  t.same(shown(splitValues('[{"a":1},\n{"b":,},\n{"c":3}]')), ['0: {"a":1}', '1: ERROR', '2: {"c":3}']);
  t.same(shown(splitValues('[{"a":1},\n{"b":2')), ['0: {"a":1}', '1: ERROR'], 'an array cut short');
  t.match(splitValues('[{"a":1}] trailing'), [
    { value: { a: 1 } },
    { index: 1, error: 'text after the end of the JSON array' },
  ]);
});
