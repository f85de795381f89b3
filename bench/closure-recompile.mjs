// Why model functions are defined once with `modelled` (BENCHMARKS.md, "Model functions defined
// once"): a generator body written inline, `call(name, (function* () { ... })())`, is a new closure
// on every call, and V8 optimises it again after full (mark-compact) garbage collections; the
// same body created once is optimised once. Run:
//
//   node --trace-opt --trace-gc bench/closure-recompile.mjs | grep -E 'completed compiling|Mark-Compact' |
//     sed -E 's/.*<JSFunction ([^ ]*) .*/\1/; s/.*(Mark-Compact).*/\1/' | sort | uniq -c
//
// and compare `inlineBody` (compiled again after many of the mark-compacts) with `definedOnce`
// (once). With `--no-churn` (no allocation bursts, so hardly any mark-compacts) both are
// compiled once.
function* inner(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += i;
    yield s;
  }
  return s;
}
const call = (_name, gen) => gen;
const modelled = (name, body) =>
  function wrapper(...args) {
    return call(name, body(...args));
  };

function* inline(n) {
  return yield* call(
    'inline',
    (function* inlineBody() {
      let t = 0;
      for (let i = 0; i < n; i++) t += (yield* inner(3)) | 0;
      return t;
    })(),
  );
}
const once = modelled('once', function* definedOnce(n) {
  let t = 0;
  for (let i = 0; i < n; i++) t += (yield* inner(3)) | 0;
  return t;
});

// A live heap, as an exploration has, and bursts of garbage that make V8 collect it in full.
const live = [];
for (let i = 0; i < 300000; i++) live.push({ i, s: `x${i}`, a: [i, i + 1] });
const churn = !process.argv.includes('--no-churn');
let total = 0;
for (let round = 0; round < 100; round++) {
  for (let k = 0; k < 2000; k++) {
    for (const v of inline(5)) total += v;
    for (const v of once(5)) total += v;
  }
  if (churn) {
    const junk = [];
    for (let j = 0; j < 200000; j++) junk.push({ a: j, b: [j], c: `y${j}` });
    total += junk.length;
  }
}
console.log(total, live.length);
