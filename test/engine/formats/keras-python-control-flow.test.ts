/**
 * The interpreter runs the Python around Keras calls: def (positional, keyword and default arguments, returns),
 * for over lists, tuples and range, while, if/elif/else, comparisons and boolean operators, f-strings,
 * comprehensions, augmented assignment and list.append. Reference numbers come from real Keras 3.15 building the
 * same files (the interop suite runs each fixture in Keras and compares every row of the summary).
 */
import { describe, expect, it } from 'vitest';
import { summarize } from '../../../engine/graph/summary';
import { errors, fixture, imported, names } from './python-import-helpers';

const HEAD = 'import keras\nfrom keras import layers\n';

describe("keras.io's image classification from scratch", () => {
  it('imports with the 38 rows and 2,731,065 parameters Keras 3.15 builds from the same file', () => {
    const doc = imported(fixture('image-classification-from-scratch.py'));
    const s = summarize(doc);
    expect(s.layers).toHaveLength(38);
    expect(s.total_params).toBe(2_731_065);
    expect(s.trainable_params).toBe(2_722_777);
    // The loop's three residual blocks: each joins the main path and a 1x1 projection of the previous block.
    const adds = s.layers.filter((r) => r.class_name === 'Add');
    expect(adds.map((r) => [r.name, r.output_shape, r.connected_to])).toEqual([
      ['add', [null, 45, 45, 256], ['max_pooling2d[0][0]', 'conv2d_1[0][0]']],
      ['add_1', [null, 23, 23, 512], ['max_pooling2d_1[0][0]', 'conv2d_2[0][0]']],
      ['add_2', [null, 12, 12, 728], ['max_pooling2d_2[0][0]', 'conv2d_3[0][0]']],
    ]);
    // `if num_classes == 2: units = 1`: one logit, no activation.
    expect(s.layers.at(-1)).toMatchObject({ name: 'dense', output_shape: [null, 1], params: 1025 });
  });

  it('the helper-function ResNet: f-string names, enumerate, while, comprehension of layers, 192,954 parameters', () => {
    const doc = imported(fixture('resnet-functions-loops.py'));
    const s = summarize(doc);
    expect(s.layers).toHaveLength(56);
    expect(s.total_params).toBe(192_954);
    expect(s.trainable_params).toBe(191_834);
    expect(doc.name).toBe('resnet14');
    expect(s.layers.map((r) => r.name)).toContain('stage2_block00_proj_bn');
    expect(s.layers.map((r) => r.name)).toContain('drop_0_2');
    expect(s.layers.at(-1)).toMatchObject({ name: 'predictions', output_shape: [null, 10], params: 650 });
  });
});

describe('functions', () => {
  it('binds positional, keyword and default arguments; returns values and tuples', () => {
    const doc = imported(`${HEAD}
def block(x, units, activation="relu", dropout=0.0):
    x = layers.Dense(units, activation=activation)(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    return x, units * 2

inputs = keras.Input((8,))
x, width = block(inputs, 4)
x, width = block(x, width, dropout=0.5, activation="tanh")
model = keras.Model(inputs, x)
`);
    expect(doc.nodes.map((n) => [n.className, n.config.units ?? n.config.rate ?? n.config.shape])).toEqual([
      ['InputLayer', [8]],
      ['Dense', 4],
      ['Dense', 8],
      ['Dropout', 0.5],
    ]);
    expect(doc.nodes[2].config.activation).toBe('tanh');
  });

  it('closures see the names of the function around them; recursion within the depth limit works', () => {
    const doc = imported(`${HEAD}
def tower(depth):
    def step(x, i):
        return layers.Dense(depth * 10 + i)(x)
    def go(x, i):
        if i == depth:
            return x
        return go(step(x, i), i + 1)
    return go
inputs = keras.Input((3,))
model = keras.Model(inputs, tower(3)(inputs, 0))
`);
    expect(doc.nodes.slice(1).map((n) => n.config.units)).toEqual([30, 31, 32]);
  });

  it('argument mistakes are located and named as Python names them', () => {
    const def = `${HEAD}def f(x, units, act="relu"):\n    return layers.Dense(units, activation=act)(x)\ni = keras.Input((2,))\n`;
    expect(errors(`${def}m = keras.Model(i, f(i))`)).toEqual(["6:20 f() is missing the argument 'units'"]);
    expect(errors(`${def}m = keras.Model(i, f(i, 2, activation="tanh"))`)).toEqual([
      "6:28 f() got an unexpected keyword argument 'activation'",
    ]);
    expect(errors(`${def}m = keras.Model(i, f(i, 2, "relu", 4))`)).toEqual([
      '6:36 f() takes 3 positional arguments but more were given',
    ]);
    expect(errors(`${def}m = keras.Model(i, f(i, 2, units=3))`)).toEqual([
      "6:28 f() got multiple values for the argument 'units'",
    ]);
  });

  it('return outside a def, break outside a loop and a def without its body are refused where CPython refuses them', () => {
    expect(errors('return 1\n')).toEqual(["1:1 'return' outside a function"]);
    expect(errors('break\n')).toEqual(["1:1 'break' outside a loop"]);
    expect(errors('def f():\nx = 1\n')).toEqual(["2:1 expected an indented block after the 'def' at line 1"]);
    expect(errors('def f(a=1, b):\n    pass\n')).toEqual([
      "1:12 the parameter 'b' without a default follows one with a default",
    ]);
    expect(errors('if True:\n    x = 1\n  y = 2\n')).toEqual([
      '3:3 this line is indented to a level no block started at',
    ]);
  });
});

describe('loops and conditions', () => {
  it('for over a list, a tuple and range(start, stop, step); model.add in a loop', () => {
    const doc = imported(`${HEAD}
model = keras.Sequential([keras.Input((4,))])
for units in [8, 4]:
    model.add(layers.Dense(units))
for units in (3,):
    model.add(layers.Dense(units))
for k in range(10, 4, -3):
    model.add(layers.Dense(k))
`);
    expect(doc.nodes.slice(1).map((n) => n.config.units)).toEqual([8, 4, 3, 10, 7]);
  });

  it('if/elif/else, while with break and continue, for-else, conditional expressions, and/or/not, in, is', () => {
    const doc = imported(`${HEAD}
sizes = []
n = 0
while True:
    n += 1
    if n % 2 == 0:
        continue
    elif n > 7:
        break
    sizes.append(n)
for s in sizes:
    if s == 100:
        break
else:
    sizes.append(100 if 3 in sizes and not (None is not None) else -1)
flag = sizes and "yes" or "no"
model = keras.Sequential([keras.Input((2,))] + [layers.Dense(s, name=f"d{i}_{flag}") for i, s in enumerate(sizes)])
`);
    expect(names(doc).slice(1)).toEqual(['d0_yes', 'd1_yes', 'd2_yes', 'd3_yes', 'd4_yes']);
    expect(doc.nodes.slice(1).map((n) => n.config.units)).toEqual([1, 3, 5, 7, 100]);
  });

  it('a condition on a tensor is refused at the condition: its value is only known when the model runs', () => {
    expect(errors(`${HEAD}i = keras.Input((2,))\nif i:\n    pass\n`)).toEqual([
      '4:4 LayerCanvas cannot tell whether i is true: it is a tensor',
    ]);
  });

  it("reads a tensor's shape as Keras knows it while building: x.shape[-1] in arithmetic and conditions", () => {
    // Keras 3.15 builds the same file with 30 layers and 2,650 parameters (interop: shape-driven-blocks.py).
    const s = summarize(imported(fixture('shape-driven-blocks.py')));
    expect(s.layers).toHaveLength(30);
    expect(s.total_params).toBe(2650);
    // The squeeze width is x.shape[-1] // 4; a projection only where the widths differ (3 → 8 and 8 → 16).
    expect(s.layers.filter((r) => r.class_name === 'Conv2D' && r.params === 8 * 2 + 2).length).toBe(2);
    expect(s.layers.filter((r) => r.class_name === 'Add').map((r) => r.connected_to[1])).toEqual([
      'conv2d_3[0][0]',
      'add[0][0]',
      'conv2d_10[0][0]',
    ]);
    expect(s.layers.find((r) => r.class_name === 'Reshape')?.output_shape).toEqual([null, 256, 16]);
  });

  it('x.shape is a tuple with None for the batch, and says why where the layers before it are wrong', () => {
    const doc = imported(
      `${HEAD}i = keras.Input((4, 6))
n = len(i.shape)
x = layers.Dense(i.shape[1] * n)(i)
model = keras.Model(i, x)
`,
    );
    expect(summarize(doc).layers.at(-1)).toMatchObject({ output_shape: [null, 4, 12] });
    expect(
      errors(
        `${HEAD}i = keras.Input((4, 6))
x = layers.Conv2D(8, 3)(i)
if x.shape[-1] == 8:
    pass
model = keras.Model(i, x)
`,
      )[0],
    ).toMatch(/^5:4 the shape of x is not known here: .*Conv2D/);
  });

  it('an error in a loop body is reported once, not once per turn, and ends the loop', () => {
    const code = `${HEAD}m = keras.Sequential()\nfor u in range(1, 50):\n    m.add(layers.Dense(u, activaton="relu"))\n`;
    expect(errors(code)).toEqual(["5:27 Dense has no argument 'activaton'"]);
  });

  it('raise and a failed assert stop where Python stops, naming the line', () => {
    expect(errors(`${HEAD}def f(n):\n    if n < 0:\n        raise ValueError("n < 0")\n    return n\nf(-1)\n`)).toEqual(
      ['5:9 the code raises ValueError("n < 0") here'],
    );
    expect(errors(`${HEAD}n = 1\nassert n > 1, "need two"\n`)).toEqual(['4:1 assertion failed: n > 1: need two']);
  });
});

describe('values', () => {
  it('f-strings: conversions, format specs, nested quotes, doubled braces; str.format and join', () => {
    const doc = imported(`${HEAD}
i = 3
rate = 0.5
tag = "x"
parts = [f"{i:03d}", f"{rate}", f"{rate:.2f}", f"{tag!r}", f'{"q"}', f"{{{i}}}", f"{i * 2}", f"{2.0}", f"{7 / 2}",
         "b{}_{k}".format(i, k="z"), "_".join(["a", "b"]), f"{'up'.upper()}", f"{len([1, 2])}", f"{i:>4}|"]
assert "-".join(parts) == "003-0.5-0.50-'x'-q-{3}-6-2.0-3.5-b3_z-a_b-UP-2-   3|", "-".join(parts)
model = keras.Sequential([keras.Input((2,)), layers.Dense(1, name=f"{parts[0]}_{parts[2]}")])
`);
    expect(names(doc)[1]).toBe('003_0.50');
  });

  it('augmented assignment on numbers, strings and lists; /= on tensors is refused', () => {
    const doc = imported(`${HEAD}
units = 2
units *= 4
units -= 1
name = "d"
name += "ense_x"
shape = (4,)
shape += (2,)
model = keras.Sequential([keras.Input(shape), layers.Dense(units, name=name)])
`);
    expect(doc.nodes.map((n) => n.config.units ?? n.config.shape)).toEqual([[4, 2], 7]);
    expect(names(doc)[1]).toBe('dense_x');
    expect(errors(`${HEAD}i = keras.Input((2,))\ni /= i\n`)).toEqual(["4:3 '/' on tensors is not supported"]);
  });

  it('builtins: len, min, max, sum, abs, int, float, str, round, sorted, reversed, zip, list(range())', () => {
    const doc = imported(`${HEAD}
a = [3, 1, 2]
vals = [len(a), min(a), max(4, 9), sum(a), abs(-5), int("6"), int(7.9), round(2.5), round(3.5), sorted(a)[0],
        list(reversed(a))[0], len(list(zip(a, "ab"))), sum(range(5)), int(float("8"))]
model = keras.Sequential([keras.Input((1,))] + [layers.Dense(v) for v in vals])
`);
    expect(doc.nodes.slice(1).map((n) => n.config.units)).toEqual([3, 1, 9, 6, 5, 6, 7, 2, 4, 1, 2, 2, 10, 8]);
  });

  it('layers appended to a list in a loop and merged; a list shared by two names sees the append', () => {
    const doc = imported(`${HEAD}
inputs = keras.Input((8,))
branches = []
alias = branches
for k in (1, 2, 3):
    alias.append(layers.Dense(k)(inputs))
merged = layers.concatenate(branches)
model = keras.Model(inputs, merged)
`);
    const s = summarize(doc);
    expect(s.layers.at(-1)).toMatchObject({ class_name: 'Concatenate', output_shape: [null, 6] });
  });
});

describe('hostile input ends quickly with one located error', () => {
  const quick = (code: string) => {
    const started = performance.now();
    const out = errors(code);
    return { out, ms: performance.now() - started };
  };

  it.each([
    ['an endless while loop', 'while True:\n    pass\n', '1:1 the code takes more than 1,000,000 steps to run'],
    [
      'a for over a huge range',
      'for i in range(10 ** 12):\n    x = i\n',
      '2:9 the code takes more than 1,000,000 steps to run',
    ],
    [
      'a huge list(range())',
      'x = list(range(10 ** 9))\n',
      '1:5 list() would make a list of 1,000,000,000 items, more than 100,000',
    ],
    [
      'a huge comprehension',
      'x = [i for i in range(10 ** 9)]\n',
      '1:5 this comprehension would make more than 100,000 items',
    ],
    ['endless recursion', 'def f(n):\n    return f(n + 1)\nf(0)\n', '2:12 calls are nested more than 50 deep here'],
    [
      'doubling recursion (2^50 calls if run to the end)',
      'def f(n):\n    return f(n + 1) + f(n + 2)\nf(0)\n',
      '2:12 calls are nested more than 50 deep here',
    ],
    [
      'mutual recursion',
      'def a(n):\n    return b(n)\ndef b(n):\n    return a(n)\na(1)\n',
      '4:12 calls are nested more than 50 deep here',
    ],
    ['a huge string', 's = "ab" * 10 ** 8\n', '1:5 this value would be longer than 100,000 items'],
    [
      'a string doubled in a loop',
      's = "x"\nwhile True:\n    s += s\n',
      '3:7 this value would be longer than 100,000 items',
    ],
    [
      'a huge f-string',
      's = "y" * 90000\nt = f"{s}{s}"\n',
      '2:5 this f-string would be longer than 100,000 characters',
    ],
    [
      'a list appended to without end',
      'a = []\nwhile True:\n    a.append(1)\n',
      '3:7 this list would hold more than 100,000 items',
    ],
    [
      'a loop making layers without end',
      `${HEAD}while True:\n    layers.Dense(1)\n`,
      '4:12 the code makes more than 20,000 layers',
    ],
  ])('%s', (_what, code, expected) => {
    const { out, ms } = quick(code);
    expect(out).toEqual([expected]);
    // Generous: the point is that it ends (each of these would otherwise run for hours or overflow the stack).
    expect(ms).toBeLessThan(20_000);
  });
});
