/**
 * Guest runtime, part 3 of 3 (see `prelude.ts`): catalog calls as futures,
 * the effect barrier, deferred printing, and `__pw_run`, which turns the
 * compiled program into a promise of the JSON envelope.
 */
export const PRELUDE_RUN = String.raw`
// ------------------------------------------------------------ futures
var host, issued = [], low = 0, barrier = null, nfut = 0, pq = [], stopped = false, done = false, finish = null;
// queued: the host reads calls and prints from out through __pw_take once per
// slice (one crossing per slice instead of one per call).
var queued = false, out = [];
// The guest has one line of execution, so waiting needs no promise per
// future: a waiter awaits the next turn (a batch of results settling) and
// looks again.
var turn = null, turnR = null;
function nextTurn() {
  if (turn === null) turn = new Promise(function (r) { turnR = r; });
  return turn;
}
function wake() {
  if (turnR === null) return;
  var r = turnR;
  turn = null; turnR = null;
  r();
}

// Replaces settled futures inside containers in place; true when nothing is
// pending. Collects pending futures into pend when given.
function ready(v, pend, d) {
  if (nfut === 0 || v === null || typeof v !== "object") return true;
  if (v instanceof F) {
    if (v.s === 2) throw v.e;
    if (v.s === 0) { if (pend) pend.push(v); return false; }
    return true;
  }
  if (d >= MAXD) return true;
  var ok = true, i, x;
  if (Array.isArray(v)) {
    for (i = 0; i < v.length; i++) {
      x = v[i];
      if (x === null || typeof x !== "object") continue;
      if (x instanceof F) {
        if (x.s === 1) v[i] = x.v;
        else if (x.s === 2) throw x.e;
        else { ok = false; if (pend) pend.push(x); }
      } else if (!ready(x, pend, (d | 0) + 1)) ok = false;
    }
  } else if (v instanceof D) {
    v.m.forEach(function (y, k) {
      if (y === null || typeof y !== "object") return;
      if (y instanceof F) {
        if (y.s === 1) v.m.set(k, y.v);
        else if (y.s === 2) throw y.e;
        else { ok = false; if (pend) pend.push(y); }
      } else if (!ready(y, pend, (d | 0) + 1)) ok = false;
    });
  }
  return ok;
}
// Deep-forces v: waits for every future inside it; returns the value.
async function deep(v) {
  if (v instanceof F) v = await w(v);
  while (!ready(v, null, 0)) await nextTurn();
  return v;
}
// The value of a future: synchronously when settled, else a promise.
function w(f) {
  if (f.s === 1) return f.v;
  if (f.s === 2) throw f.e;
  return nextTurn().then(function () { return w(f); });
}
function settle(f, text) {
  if (f.s !== 0) return;
  var env = null;
  try { env = fromJson(String(text)); } catch (e) { env = null; }
  settleEnv(f, env);
  wake();
}
function settleEnv(f, env) {
  if (f.s !== 0) return;
  if (env instanceof D && env.m.has("ok")) { f.s = 1; f.v = env.m.get("ok"); }
  else {
    var kind = "handler", msg = "the host returned a malformed response";
    var er = env instanceof D ? env.m.get("err") : undefined;
    if (er instanceof D) {
      if (typeof er.m.get("kind") === "string") kind = er.m.get("kind");
      if (typeof er.m.get("message") === "string") msg = er.m.get("message");
    }
    f.s = 2; f.e = new Stop(kind, msg, f.ln);
  }
  advance();
}
// Moves past settled calls in program order; stops the run at the first failure.
function advance() {
  if (done) return;
  while (low < issued.length) {
    var f = issued[low];
    if (f.s === 0) break;
    if (f.s === 2) { flush(); finish(envErr(f.e)); return; }
    low++;
  }
  flush();
}
function flush() {
  while (pq.length !== 0 && pq[0].n <= low) {
    var p = pq.shift();
    hout(p.t, p.l);
  }
}
// print output waits until every call issued before it has succeeded.
function hprint(text, ln) {
  if (stopped) throw STOPPED;
  if (pq.length === 0 && low === issued.length) hout(text, ln);
  else pq.push({ n: issued.length, t: text, l: ln });
}
function hout(text, ln) {
  if (queued) out.push([1, text, ln]);
  else try { host.print(text, ln); } catch (e) { /* the host never throws; ignore if it does */ }
}
function issue(name, args, ln, eff) {
  var json = toJson(args, ln, 0);
  if (stopped) throw STOPPED;
  var f = new F(issued.length, ln), p;
  issued.push(f); nfut++;
  if (eff) barrier = f;
  if (queued) { out.push([0, f.seq, name, json, ln]); return f; }
  try { p = host.call(name, json, ln); } catch (e) { p = undefined; }
  var bad = '{"err":{"kind":"handler","message":"the host call failed"}}';
  // true: the host took the call and answers through __pw_deliver.
  if (p === true) return f;
  if (p && typeof p.then === "function") p.then(function (t) { settle(f, t); }, function () { settle(f, bad); });
  else Promise.resolve().then(function () { settle(f, bad); });
  return f;
}
function argsReady(args) {
  for (var i = 0; i < args.length; i++) {
    var x = args[i];
    if (x instanceof F) { if (x.s !== 1) { if (x.s === 2) throw x.e; return false; } args[i] = x.v; }
    else if (!ready(x, null, 0)) return false;
  }
  return true;
}
// A catalog call: a future, or a promise of one when it must wait first.
function call(name, args, ln, eff) {
  tick(ln);
  if (stopped) throw STOPPED;
  if (!eff && (barrier === null || barrier.s === 1) && argsReady(args)) return issue(name, args, ln, false);
  return callSlow(name, args, ln, eff);
}
async function callSlow(name, args, ln, eff) {
  for (var i = 0; i < args.length; i++) args[i] = await deep(args[i]);
  if (eff) {
    while (!done && low < issued.length) await nextTurn();
  } else while (barrier !== null && barrier.s === 0) await nextTurn();
  if (barrier !== null && barrier.s === 2) throw barrier.e;
  if (stopped) throw STOPPED;
  return issue(name, args, ln, eff);
}
async function settleAll() {
  while (!done && low < issued.length) {
    if (issued[low].s === 0) await nextTurn();
    advance();
  }
}
function envErr(e) {
  var kind = "runtime", msg, line;
  if (e instanceof Stop) { kind = e.kind; msg = e.message; line = e.line; }
  else {
    msg = String(e && e.message !== undefined ? e.message : e);
    if (/out of memory|allocation|invalid (string|array) length/i.test(msg)) { kind = "memory"; msg = "out of memory"; }
    else if (/stack/i.test(msg)) { kind = "memory"; msg = "stack overflow (data nested too deeply)"; }
    else if (/interrupted/i.test(msg)) { kind = "timeout"; msg = "interrupted"; }
    else msg = "internal error: " + msg;
  }
  var o = { kind: kind, message: msg };
  if (typeof line === "number") o.line = line;
  return JSON.stringify({ err: o });
}

var RT = Object.freeze({
  F: F, Fl: Fl, D: D, w: w, ready: ready, deep: deep, tr: tr, add: add, sub: sub, mul: mul, div: div,
  fdiv: fdiv, mod: mod, neg: neg, pos: pos, eq: eqL, lt: lt, le: le, gt: gt, ge: ge, contains: contains,
  get: get, slice: slice, set: set, attr: attr, it: it, pop: pop, unpack: unpack, mkdict: mkdict,
  dset: dset, tup: tup, iadd: iadd, imul: imul, str: str, tick: tick, inp: inp, unb: unb, unbi: unbi,
  err: err, err2: err2, call: call, meth: meth, ret: function (v, ln) { return toJson(v, ln, 0); },
  len: b_len, range: b_range, min: b_min, max: b_max, sum: b_sum, sorted: b_sorted, reversed: b_reversed,
  enumerate: b_enumerate, zip: b_zip, any: b_any, all: b_all, abs: b_abs, round: b_round, str_: b_str,
  int: b_int, float: b_float, bool: b_bool, list: b_list, dict: b_dict, print: b_print
});

// Runs the compiled program; resolves (never rejects) to the JSON envelope.
function run(main) {
  host = G.__pw_host;
  queued = host.queue === true;
  var ms = Number(G.__pw_max_steps);
  maxSteps = ms > 0 ? ms : Infinity;
  return new Promise(function (resolve) {
    finish = function (env) { if (done) return; done = true; stopped = true; resolve(env); };
    var p;
    try { p = main(RT); } catch (e) { p = Promise.reject(e); }
    p.then(function (json) {
      return settleAll().then(function () { flush(); finish('{"ok":' + (json === undefined ? "null" : json) + "}"); });
    }, function (e) {
      return settleAll().then(function () { flush(); finish(envErr(e)); });
    }).then(undefined, function (e) { finish(envErr(e)); });
  });
}
Object.defineProperty(G, "__pw_run", { value: run, enumerable: false, writable: false, configurable: false });

// Results of calls the host took synchronously, in one batch: JSON text of
// [[seq, envelope], ...]. One crossing per batch instead of a promise per call.
// A batch that cannot be read (out of memory) throws to the host, which ends the run.
function deliver(text) {
  var list = fromJson(String(text)), i, e, f;
  if (!Array.isArray(list)) return;
  for (i = 0; i < list.length; i++) {
    e = list[i];
    f = Array.isArray(e) && typeof e[0] === "number" ? issued[e[0]] : undefined;
    if (f instanceof F) settleEnv(f, e[1]);
  }
  wake();
}
Object.defineProperty(G, "__pw_deliver", { value: deliver, enumerable: false, writable: false, configurable: false });

// With host.queue: the calls and prints since the last take, in order, as the
// JSON text of [[0, seq, fn, argsJson, line] | [1, text, line], ...]; "" when none.
function take() {
  if (out.length === 0) return "";
  var t = JSON.stringify(out);
  out = [];
  return t;
}
Object.defineProperty(G, "__pw_take", { value: take, enumerable: false, writable: false, configurable: false });
})();
`;
