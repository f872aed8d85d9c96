/**
 * Guest runtime, part 1 of 3 (see `prelude.ts`): value representation,
 * arithmetic, str()/repr(), JSON, equality and order, subscripts and slices.
 * Plain ES2020 source text; no backticks or dollar-brace inside (it lives in
 * a raw template literal). The three parts share one function scope.
 */
export const PRELUDE_VALUES = String.raw`(function () {
"use strict";
var G = globalThis;
var MAXD = 1000;
var MAXLEN = 16777216;

// ------------------------------------------------------------ values
// int: a JS number with an integral value; float: a non-integral JS number
// (incl. NaN, +-inf) or an Fl box holding an integral value (2.0, -0.0).
function Fl(v) { this.v = v; }
// dict / record: insertion-ordered, any string key.
function D(m) { this.m = m || new Map(); }
// range(a, b, c) with n elements.
function R(a, b, c) {
  this.a = a; this.b = b; this.c = c;
  this.n = c > 0 ? (b > a ? Math.ceil((b - a) / c) : 0) : (a > b ? Math.ceil((a - b) / -c) : 0);
}
// the future of a catalog call: s 0 pending, 1 ok (v), 2 failed (e). No
// promise per future: whoever waits for one waits for the next turn (see
// prelude-run) and looks again.
function F(n, ln) {
  this.seq = n; this.ln = ln; this.s = 0; this.v = undefined; this.e = undefined;
}
// a stop of the whole program (runtime error, steps, failed call).
function Stop(kind, message, line) { this.kind = kind; this.message = message; this.line = line; }
var STOPPED = new Stop("runtime", "stopped", undefined);

function rt(msg, ln) { return new Stop("runtime", msg, ln); }
function isList(v) { return Array.isArray(v) && Object.isExtensible(v); }
function tup(a) { return Object.preventExtensions(a); }
function mkf(x) { return x % 1 === 0 ? new Fl(x) : x; }
function num(v) { return typeof v === "number" ? v : v instanceof Fl ? v.v : undefined; }
function isInt(v) { return typeof v === "number" && v % 1 === 0; }
function isFloat(v) { return v instanceof Fl || (typeof v === "number" && v % 1 !== 0); }
function tname(v) {
  if (v === null || v === undefined) return "NoneType";
  switch (typeof v) {
    case "boolean": return "bool";
    case "number": return v % 1 === 0 ? "int" : "float";
    case "string": return "str";
  }
  if (Array.isArray(v)) return Object.isExtensible(v) ? "list" : "tuple";
  if (v instanceof D) return "dict";
  if (v instanceof Fl) return "float";
  if (v instanceof R) return "range";
  return "object";
}
function q(s) { return "'" + tname(s) + "'"; }
function deepErr(ln) { return rt("value is nested more than " + MAXD + " levels deep (or contains itself)", ln); }
function memErr(ln) { return new Stop("memory", "value too large (more than " + MAXLEN + " items)", ln); }

// ------------------------------------------------------------ numbers
function intStr(v) { return Math.abs(v) < 1e21 ? String(v === 0 ? 0 : v) : BigInt(v).toString(); }
function floatRepr(x) {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return 1 / x < 0 ? "-0.0" : "0.0";
  var e = x.toExponential(), i = e.indexOf("e"), exp = +e.slice(i + 1), m = e.slice(0, i), sign = "";
  if (m.charAt(0) === "-") { sign = "-"; m = m.slice(1); }
  var digits = m.replace(".", ""), decpt = exp + 1;
  if (decpt > 16 || decpt <= -4) {
    var a = Math.abs(exp);
    return sign + digits.charAt(0) + (digits.length > 1 ? "." + digits.slice(1) : "") + "e" + (exp < 0 ? "-" : "+") + (a < 10 ? "0" : "") + a;
  }
  if (decpt <= 0) return sign + "0." + "0".repeat(-decpt) + digits;
  if (decpt >= digits.length) return sign + digits + "0".repeat(decpt - digits.length) + ".0";
  return sign + digits.slice(0, decpt) + "." + digits.slice(decpt);
}
function opErr(op, a, b, ln) {
  return rt("unsupported operand type(s) for " + op + ": " + q(a) + " and " + q(b), ln);
}
function add(a, b, ln) {
  if (typeof a === "number" && typeof b === "number") {
    var r = a + b;
    return r % 1 === 0 && (a % 1 !== 0 || b % 1 !== 0) ? new Fl(r) : r;
  }
  if (typeof a === "string" && typeof b === "string") return a + b;
  var x = num(a), y = num(b);
  if (x !== undefined && y !== undefined) return mkf(x + y);
  if (Array.isArray(a) && Array.isArray(b) && isList(a) === isList(b)) {
    if (a.length + b.length > MAXLEN) throw memErr(ln);
    var c = a.concat(b);
    return isList(a) ? c : tup(c);
  }
  throw opErr("+", a, b, ln);
}
function sub(a, b, ln) {
  if (typeof a === "number" && typeof b === "number") {
    var r = a - b;
    return r % 1 === 0 && (a % 1 !== 0 || b % 1 !== 0) ? new Fl(r) : r === 0 ? 0 : r;
  }
  var x = num(a), y = num(b);
  if (x !== undefined && y !== undefined) return mkf(x - y);
  throw opErr("-", a, b, ln);
}
function repeat(s, n, ln) {
  if (typeof s === "string") {
    if (n <= 0 || s.length === 0) return "";
    if (s.length * n > MAXLEN * 16) throw memErr(ln);
    return s.repeat(n);
  }
  if (n <= 0 || s.length === 0) return isList(s) ? [] : tup([]);
  if (s.length * n > MAXLEN) throw memErr(ln);
  var out = [];
  for (var i = 0; i < n; i++) for (var j = 0; j < s.length; j++) out.push(s[j]);
  return isList(s) ? out : tup(out);
}
function mul(a, b, ln) {
  if (typeof a === "number" && typeof b === "number") {
    var r = a * b;
    return a % 1 !== 0 || b % 1 !== 0 ? mkf(r) : r === 0 ? 0 : r;
  }
  var x = num(a), y = num(b);
  if (x !== undefined && y !== undefined) return mkf(x * y);
  if (isInt(b) && (typeof a === "string" || Array.isArray(a))) return repeat(a, b, ln);
  if (isInt(a) && (typeof b === "string" || Array.isArray(b))) return repeat(b, a, ln);
  throw opErr("*", a, b, ln);
}
function div(a, b, ln) {
  var x = num(a), y = num(b);
  if (x === undefined || y === undefined) throw opErr("/", a, b, ln);
  if (y === 0) throw rt("division by zero", ln);
  return mkf(x / y);
}
// CPython's float_divmod; exact for ints below 2^53 too.
function divmod(x, y) {
  var mod = x % y, d = (x - mod) / y, fd;
  if (mod) {
    if ((y < 0) !== (mod < 0)) { mod += y; d -= 1; }
  } else mod = y < 0 ? -0 : 0;
  if (d) { fd = Math.floor(d); if (d - fd > 0.5) fd += 1; }
  else fd = (x / y < 0 || 1 / (x / y) < 0) ? -0 : 0;
  return [fd, mod];
}
function fdiv(a, b, ln) {
  var x = num(a), y = num(b);
  if (x === undefined || y === undefined) throw opErr("//", a, b, ln);
  if (y === 0) throw rt("integer division or modulo by zero", ln);
  var r = divmod(x, y)[0];
  return isFloat(a) || isFloat(b) ? mkf(r) : (r === 0 ? 0 : r);
}
function mod(a, b, ln) {
  var x = num(a), y = num(b);
  if (x === undefined || y === undefined) throw opErr("%", a, b, ln);
  if (y === 0) throw rt("integer division or modulo by zero", ln);
  if (isFloat(a) || isFloat(b)) {
    var m = x % y;
    if (m) { if ((y < 0) !== (m < 0)) m += y; } else m = y < 0 ? -0 : 0;
    return mkf(m);
  }
  var r = divmod(x, y)[1];
  return r === 0 ? 0 : r;
}
function neg(a, ln) {
  if (typeof a === "number") return a % 1 === 0 ? 0 - a : -a;
  if (a instanceof Fl) return new Fl(-a.v);
  throw rt("bad operand type for unary -: " + q(a), ln);
}
function pos(a, ln) {
  if (typeof a === "number" || a instanceof Fl) return a;
  throw rt("bad operand type for unary +: " + q(a), ln);
}

// ------------------------------------------------------------ strings
var SUR = /[\ud800-\udfff]/;
var NONPRINT = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
function cps(s) { return SUR.test(s) ? Array.from(s) : null; }
function slen(s) { var c = cps(s); return c ? c.length : s.length; }
function hex(c, n) { var h = c.toString(16); return "0".repeat(n - h.length) + h; }
function strRepr(s) {
  var qc = s.indexOf("'") >= 0 && s.indexOf('"') < 0 ? '"' : "'", out = qc;
  for (var ch of s) {
    var c = ch.codePointAt(0);
    if (ch === qc || ch === "\\") out += "\\" + ch;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0xa1 || (c !== 0x20 && NONPRINT.test(ch))) out += c < 0x100 ? "\\x" + hex(c, 2) : c < 0x10000 ? "\\u" + hex(c, 4) : "\\U" + hex(c, 8);
    else out += ch;
  }
  return out + qc;
}
function scmp(a, b) {
  if (a === b) return 0;
  if (!(SUR.test(a) && /[\ue000-\uffff]/.test(b)) && !(SUR.test(b) && /[\ue000-\uffff]/.test(a))) return a < b ? -1 : 1;
  var n = Math.min(a.length, b.length);
  for (var i = 0; i < n; i++) {
    var x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x !== y) {
      x = x >= 0xd800 && x < 0xe000 ? x + 0x2000 : x >= 0xe000 ? x - 0x800 : x;
      y = y >= 0xd800 && y < 0xe000 ? y + 0x2000 : y >= 0xe000 ? y - 0x800 : y;
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : 1;
}

// ------------------------------------------------------------ str() / repr()
function repr(v, d) {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  switch (typeof v) {
    case "number": return v % 1 === 0 ? intStr(v) : floatRepr(v);
    case "string": return strRepr(v);
  }
  if (d >= MAXD) throw deepErr();
  var parts = [], i;
  if (Array.isArray(v)) {
    for (i = 0; i < v.length; i++) parts.push(repr(v[i], d + 1));
    if (Object.isExtensible(v)) return "[" + parts.join(", ") + "]";
    return parts.length === 1 ? "(" + parts[0] + ",)" : "(" + parts.join(", ") + ")";
  }
  if (v instanceof D) {
    v.m.forEach(function (x, k) { parts.push(strRepr(k) + ": " + repr(x, d + 1)); });
    return "{" + parts.join(", ") + "}";
  }
  if (v instanceof Fl) return floatRepr(v.v);
  if (v instanceof R) return "range(" + v.a + ", " + v.b + (v.c !== 1 ? ", " + v.c : "") + ")";
  if (v instanceof F) return v.s === 1 ? repr(v.v, d) : "<pending>";
  return "<object>";
}
function L(e, ln) { if (e instanceof Stop && e.line === undefined && e !== STOPPED) e.line = ln; return e; }
function str(v, ln) {
  if (typeof v === "string") return v;
  try { return repr(v, 0); } catch (e) { throw L(e, ln); }
}

// ------------------------------------------------------------ JSON
function isIndexKey(k) {
  var c = k.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(?:0|[1-9][0-9]{0,9})$/.test(k) && +k < 4294967295;
}
function conv(x, st) {
  if (x === null || typeof x !== "object") return x;
  var i;
  if (Array.isArray(x)) { for (i = 0; i < x.length; i++) x[i] = conv(x[i], st); return x; }
  var keys = Object.keys(x), m = new Map();
  for (i = 0; i < keys.length; i++) {
    if (isIndexKey(keys[i])) st.slow = true;
    m.set(keys[i], conv(x[keys[i]], st));
  }
  return new D(m);
}
// JSON text -> guest value; objects become D in their textual key order.
function fromJson(text) {
  var st = { slow: false }, v = conv(JSON.parse(text), st);
  return st.slow ? slowParse(text) : v;
}
// Only used when an object has an array-index-like key, which JSON.parse reorders.
function slowParse(t) {
  var i = 0;
  function ws() { while (i < t.length && " \t\n\r".indexOf(t.charAt(i)) >= 0) i++; }
  function pstr() {
    var j = i + 1;
    while (t.charAt(j) !== '"') j += t.charAt(j) === "\\" ? 2 : 1;
    var s = JSON.parse(t.slice(i, j + 1)); i = j + 1; return s;
  }
  function val() {
    ws();
    var c = t.charAt(i), out;
    if (c === "{") {
      i++; out = new D(); ws();
      if (t.charAt(i) === "}") { i++; return out; }
      for (;;) { ws(); var k = pstr(); ws(); i++; out.m.set(k, val()); ws(); if (t.charAt(i++) === "}") return out; }
    }
    if (c === "[") {
      i++; out = []; ws();
      if (t.charAt(i) === "]") { i++; return out; }
      for (;;) { out.push(val()); ws(); if (t.charAt(i++) === "]") return out; }
    }
    if (c === '"') return pstr();
    var j = i;
    while (j < t.length && ",]} \t\n\r".indexOf(t.charAt(j)) < 0) j++;
    out = JSON.parse(t.slice(i, j)); i = j; return out;
  }
  return val();
}
function toJson(v, ln, d) {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "boolean": return v ? "true" : "false";
    case "string": return JSON.stringify(v);
    case "number":
      // floatRepr's spelling of the three non-finite values, inline (keeps floatRepr out of lean preludes).
      if (v !== v || v === Infinity || v === -Infinity) throw rt("cannot convert float " + (v !== v ? "nan" : v > 0 ? "inf" : "-inf") + " to JSON", ln);
      return String(v);
  }
  if (d >= MAXD) throw deepErr(ln);
  var parts = [], i;
  if (Array.isArray(v)) {
    for (i = 0; i < v.length; i++) parts.push(toJson(v[i], ln, d + 1));
    return "[" + parts.join(",") + "]";
  }
  if (v instanceof D) {
    v.m.forEach(function (x, k) { parts.push(JSON.stringify(k) + ":" + toJson(x, ln, d + 1)); });
    return "{" + parts.join(",") + "}";
  }
  if (v instanceof Fl) return String(v.v);
  if (v instanceof R) return toJson(seq(v, ln), ln, d);
  if (v instanceof F && v.s === 1) return toJson(v.v, ln, d);
  throw rt("value cannot be converted to JSON", ln);
}

// ------------------------------------------------------------ equality, order
function eq(a, b) {
  if (a === b) return true;
  var ta = typeof a;
  if (ta === "number" || a instanceof Fl) { var x = num(a), y = num(b); return y !== undefined && x === y; }
  if (a === null || ta !== "object" || b === null || typeof b !== "object") return false;
  return eq2(a, b, 0);
}
function eq2(a, b, d) {
  if (d >= MAXD) throw deepErr();
  var i;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length || Object.isExtensible(a) !== Object.isExtensible(b)) return false;
    for (i = 0; i < a.length; i++) if (!eqd(a[i], b[i], d)) return false;
    return true;
  }
  if (a instanceof D) {
    if (!(b instanceof D) || a.m.size !== b.m.size) return false;
    for (var e of a.m) { if (!b.m.has(e[0]) || !eqd(e[1], b.m.get(e[0]), d)) return false; }
    return true;
  }
  if (a instanceof R) {
    if (!(b instanceof R) || a.n !== b.n) return false;
    return a.n === 0 || (a.a === b.a && (a.n === 1 || a.c === b.c));
  }
  if (a instanceof Fl) return eq(a, b);
  return false;
}
function eqd(a, b, d) {
  if (a === b) return true;
  if (typeof a === "object" && a !== null && !(a instanceof Fl) && typeof b === "object" && b !== null) return eq2(a, b, d + 1);
  return eq(a, b);
}
// Python's rich comparison for op in < <= > >=.
function cmp(a, b, op, ln, d) {
  var x = num(a), y = num(b), c;
  if (x !== undefined && y !== undefined) c = x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
  else if (typeof a === "string" && typeof b === "string") c = scmp(a, b);
  else if (typeof a === "boolean" && typeof b === "boolean") c = a === b ? 0 : a ? 1 : -1;
  else if (Array.isArray(a) && Array.isArray(b) && Object.isExtensible(a) === Object.isExtensible(b)) {
    if (d >= MAXD) throw deepErr(ln);
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) if (!eqd(a[i], b[i], d)) return cmp(a[i], b[i], op, ln, d + 1);
    c = a.length - b.length;
  } else throw rt("'" + op + "' not supported between instances of " + q(a) + " and " + q(b), ln);
  switch (op) {
    case "<": return c < 0;
    case "<=": return c <= 0;
    case ">": return c > 0;
    default: return c >= 0;
  }
}
function lt(a, b, ln) { try { return cmp(a, b, "<", ln, 0); } catch (e) { throw L(e, ln); } }
function le(a, b, ln) { try { return cmp(a, b, "<=", ln, 0); } catch (e) { throw L(e, ln); } }
function gt(a, b, ln) { try { return cmp(a, b, ">", ln, 0); } catch (e) { throw L(e, ln); } }
function ge(a, b, ln) { try { return cmp(a, b, ">=", ln, 0); } catch (e) { throw L(e, ln); } }
function eqL(a, b, ln) { try { return eq(a, b); } catch (e) { throw L(e, ln); } }
function unhashable(v) { return Array.isArray(v) ? isList(v) : v instanceof D; }
function contains(a, b, ln) {
  if (typeof b === "string") {
    if (typeof a !== "string") throw rt("'in <string>' requires string as left operand, not " + tname(a), ln);
    return b.indexOf(a) >= 0;
  }
  if (Array.isArray(b)) {
    try { for (var i = 0; i < b.length; i++) if (eq(a, b[i])) return true; } catch (e) { throw L(e, ln); }
    return false;
  }
  if (b instanceof D) {
    if (typeof a === "string") return b.m.has(a);
    if (unhashable(a)) throw rt("unhashable type: " + q(a), ln);
    return false;
  }
  if (b instanceof R) {
    var x = num(a);
    if (x === undefined || x % 1 !== 0 || b.n === 0) return false;
    var k = (x - b.a) / b.c;
    return k % 1 === 0 && k >= 0 && k < b.n;
  }
  throw rt("argument of type " + q(b) + " is not iterable", ln);
}
function tr(v) {
  if (v === null || v === false || v === undefined) return false;
  if (v === true) return true;
  switch (typeof v) {
    case "number": return v !== 0;
    case "string": return v.length !== 0;
  }
  if (Array.isArray(v)) return v.length !== 0;
  if (v instanceof D) return v.m.size !== 0;
  if (v instanceof Fl) return v.v !== 0;
  if (v instanceof R) return v.n !== 0;
  return true;
}

// ------------------------------------------------------------ sequences
function idx(k, what, ln) {
  if (typeof k === "number" && k % 1 === 0) return k;
  throw rt(what + " indices must be integers or slices, not " + tname(k), ln);
}
function rget(r, i) { return r.a + i * r.c; }
function seq(x, ln) {
  if (Array.isArray(x)) return x;
  if (x instanceof D) return Array.from(x.m.keys());
  if (x instanceof R) {
    if (x.n > MAXLEN) throw memErr(ln);
    var out = [];
    for (var i = 0; i < x.n; i++) out.push(rget(x, i));
    return out;
  }
  if (typeof x === "string") throw rt("a string is not iterable; use list(s) for its characters", ln);
  throw rt(q(x) + " object is not iterable", ln);
}
function get(o, k, ln) {
  var n, i;
  if (Array.isArray(o)) {
    n = o.length; i = idx(k, tname(o), ln);
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw rt(tname(o) + " index out of range", ln);
    return o[i];
  }
  if (o instanceof D) {
    var v = o.m.get(k);
    if (v === undefined) {
      if (typeof k !== "string" && unhashable(k)) throw rt("unhashable type: " + q(k), ln);
      throw rt("key " + repr(k, 0) + " not found", ln);
    }
    return v;
  }
  if (typeof o === "string") {
    var c = cps(o);
    n = c ? c.length : o.length; i = idx(k, "string", ln);
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw rt("string index out of range", ln);
    return c ? c[i] : o.charAt(i);
  }
  if (o instanceof R) {
    i = idx(k, "range", ln);
    if (i < 0) i += o.n;
    if (i < 0 || i >= o.n) throw rt("range object index out of range", ln);
    return rget(o, i);
  }
  throw rt(q(o) + " object is not subscriptable", ln);
}
function bound(v, n, dflt, ln) {
  if (v === null || v === undefined) return dflt;
  if (typeof v !== "number" || v % 1 !== 0) throw rt("slice indices must be integers or None", ln);
  if (v < 0) { v += n; if (v < 0) v = 0; }
  return v > n ? n : v;
}
function slice(o, lo, hi, ln) {
  var n, a, b;
  if (Array.isArray(o)) {
    n = o.length; a = bound(lo, n, 0, ln); b = bound(hi, n, n, ln);
    var r = o.slice(a, b > a ? b : a);
    return Object.isExtensible(o) ? r : tup(r);
  }
  if (typeof o === "string") {
    var c = cps(o);
    n = c ? c.length : o.length; a = bound(lo, n, 0, ln); b = bound(hi, n, n, ln);
    if (b <= a) return "";
    return c ? c.slice(a, b).join("") : o.slice(a, b);
  }
  if (o instanceof R) {
    n = o.n; a = bound(lo, n, 0, ln); b = bound(hi, n, n, ln);
    if (b < a) b = a;
    return new R(rget(o, a), rget(o, b), o.c);
  }
  throw rt(q(o) + " object is not subscriptable", ln);
}
// Containers that a loop is iterating over right now (Starlark's rule).
var ITS = [];
function mut(o, ln) {
  if (ITS.length !== 0 && ITS.indexOf(o) >= 0) throw rt("cannot change a " + tname(o) + " while a loop iterates over it", ln);
}
function it(x, ln) {
  var a;
  if (x instanceof R && x.n > maxSteps - steps) {
    // The loop cannot run past the step budget: materialize only what it can reach.
    var n = Math.max(0, maxSteps - steps) + 1;
    a = seq(new R(x.a, x.a + n * x.c, x.c), ln);
  } else a = seq(x, ln);
  ITS.push(x);
  return a;
}
function pop() { ITS.pop(); }
function set(o, k, v, ln) {
  if (isList(o)) {
    var i = idx(k, "list", ln);
    if (i < 0) i += o.length;
    if (i < 0 || i >= o.length) throw rt("list assignment index out of range", ln);
    mut(o, ln);
    o[i] = v;
    return;
  }
  if (o instanceof D) {
    if (typeof k !== "string") throw rt("dict keys must be strings, not " + tname(k), ln);
    mut(o, ln);
    o.m.set(k, v);
    return;
  }
  throw rt(q(o) + " object does not support item assignment", ln);
}
function attr(o, name, ln) {
  if (o instanceof D) {
    var v = o.m.get(name);
    if (v === undefined) throw rt("record has no field '" + name + "'", ln);
    return v;
  }
  throw rt(q(o) + " object has no attribute '" + name + "'", ln);
}
function unpack(v, n, ln) {
  var a;
  if (Array.isArray(v)) a = v;
  else if (v instanceof D || v instanceof R) a = seq(v, ln);
  else if (typeof v === "string") throw rt("cannot unpack a string; use list(s) for its characters", ln);
  else throw rt("cannot unpack non-iterable " + tname(v) + " object", ln);
  if (a.length > n) throw rt("too many values to unpack (expected " + n + ")", ln);
  if (a.length < n) throw rt("not enough values to unpack (expected " + n + ", got " + a.length + ")", ln);
  return a;
}
function mkdict(kv, ln) {
  var d = new D();
  for (var i = 0; i < kv.length; i += 2) {
    if (typeof kv[i] !== "string") throw rt("dict keys must be strings, not " + tname(kv[i]), ln);
    d.m.set(kv[i], kv[i + 1]);
  }
  return d;
}
function dset(d, k, v, ln) {
  if (typeof k !== "string") throw rt("dict keys must be strings, not " + tname(k), ln);
  d.m.set(k, v);
}
function iadd(a, b, ln) {
  if (isList(a)) {
    var items = seq(b, ln);
    mut(a, ln);
    if (a.length + items.length > MAXLEN) throw memErr(ln);
    if (items === a) items = a.slice();
    for (var i = 0; i < items.length; i++) a.push(items[i]);
    return a;
  }
  return add(a, b, ln);
}
function imul(a, b, ln) {
  if (isList(a) && isInt(b)) {
    mut(a, ln);
    var r = repeat(a, b, ln);
    a.length = 0;
    for (var i = 0; i < r.length; i++) a.push(r[i]);
    return a;
  }
  return mul(a, b, ln);
}

// ------------------------------------------------------------ steps, inputs
var steps = 0, maxSteps = Infinity, inputs;
function tick(ln) {
  if (++steps > maxSteps) throw new Stop("steps", "step budget of " + maxSteps + " steps exceeded", ln);
}
function inp(name) {
  if (inputs === undefined) {
    var raw = G.__pw_inputs;
    try { inputs = typeof raw === "string" ? fromJson(raw) : new D(); } catch (e) { inputs = new D(); }
    if (!(inputs instanceof D)) inputs = new D();
  }
  return inputs.m.get(name);
}
function unb(name, ln) { throw rt("name '" + name + "' is not defined", ln); }
function unbi(name, ln) { throw new Stop("input", "input '" + name + "' was not provided", ln); }
function err(msg, ln) { throw rt(msg, ln); }
function err2(_args, msg, ln) { throw rt(msg, ln); }
`;
