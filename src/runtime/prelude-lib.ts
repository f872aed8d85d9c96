/**
 * Guest runtime, part 2 of 3 (see `prelude.ts`): the builtins and the
 * methods of str, list and dict, with Python's semantics and Starlark's
 * rules (booleans are not numbers, strings are not iterable).
 */
export const PRELUDE_LIB = String.raw`
// ------------------------------------------------------------ arguments
function argn(a, lo, hi, name, ln) {
  if (a.length < lo || a.length > hi) {
    var want = lo === hi ? "exactly " + lo : a.length < lo ? "at least " + lo : "at most " + hi;
    throw rt(name + "() takes " + want + " argument" + (lo === hi && lo === 1 ? "" : "s") + " (" + a.length + " given)", ln);
  }
}
// Places keyword pairs [[name, value], ...] at their parameter's position.
function kwa(a, kw, names, name, ln) {
  if (kw === undefined) return a;
  a = a.slice();
  for (var i = 0; i < kw.length; i++) {
    var p = names.indexOf(kw[i][0]);
    if (p < 0) throw rt(name + "() got an unexpected keyword argument '" + kw[i][0] + "'", ln);
    if (p < a.length && a[p] !== undefined) throw rt(name + "() got multiple values for argument '" + kw[i][0] + "'", ln);
    while (a.length <= p) a.push(undefined);
    a[p] = kw[i][1];
  }
  return a;
}
function nokw(kw, name, ln) {
  if (kw !== undefined && kw.length) throw rt(name + "() takes no keyword arguments", ln);
}
function intArg(v, ln) {
  if (isInt(v)) return v;
  throw rt(q(v) + " object cannot be interpreted as an integer", ln);
}
function isWs(c) {
  return (c >= 9 && c <= 13) || (c >= 28 && c <= 32) || c === 0x85 || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

// ------------------------------------------------------------ builtins
function b_len(a, kw, ln) {
  tick(ln); nokw(kw, "len", ln); argn(a, 1, 1, "len", ln);
  var x = a[0];
  if (typeof x === "string") return slen(x);
  if (Array.isArray(x)) return x.length;
  if (x instanceof D) return x.m.size;
  if (x instanceof R) return x.n;
  throw rt("object of type " + q(x) + " has no len()", ln);
}
function b_range(a, kw, ln) {
  tick(ln); nokw(kw, "range", ln); argn(a, 1, 3, "range", ln);
  var s = 0, e, st = 1;
  if (a.length === 1) e = intArg(a[0], ln);
  else { s = intArg(a[0], ln); e = intArg(a[1], ln); if (a.length === 3) st = intArg(a[2], ln); }
  if (st === 0) throw rt("range() arg 3 must not be zero", ln);
  return new R(s, e, st);
}
function items(a, name, ln) {
  return a.length === 1 ? seq(a[0], ln) : a;
}
function b_min(a, kw, ln) {
  tick(ln); nokw(kw, "min", ln); argn(a, 1, Infinity, "min", ln);
  var xs = items(a, "min", ln);
  if (xs.length === 0) throw rt("min() arg is an empty sequence", ln);
  var best = xs[0];
  for (var i = 1; i < xs.length; i++) if (lt(xs[i], best, ln)) best = xs[i];
  return best;
}
function b_max(a, kw, ln) {
  tick(ln); nokw(kw, "max", ln); argn(a, 1, Infinity, "max", ln);
  var xs = items(a, "max", ln);
  if (xs.length === 0) throw rt("max() arg is an empty sequence", ln);
  var best = xs[0];
  for (var i = 1; i < xs.length; i++) if (gt(xs[i], best, ln)) best = xs[i];
  return best;
}
function b_sum(a, kw, ln) {
  tick(ln); a = kwa(a, kw, ["iterable", "start"], "sum", ln); argn(a, 1, 2, "sum", ln);
  var xs = seq(a[0], ln), acc = a.length > 1 && a[1] !== undefined ? a[1] : 0;
  if (typeof acc === "string") throw rt("sum() can't sum strings [use ''.join(seq) instead]", ln);
  for (var i = 0; i < xs.length; i++) acc = add(acc, xs[i], ln);
  return acc;
}
// Stable merge sort with Python's < (Timsort's results for a total order).
function msort(xs, less) {
  var n = xs.length, src = xs.slice(), dst = new Array(n), w, i;
  for (i = 0; i < n; i += 8) {
    var hi = Math.min(i + 8, n);
    for (var j = i + 1; j < hi; j++) {
      var x = src[j], k = j - 1;
      while (k >= i && less(x, src[k])) { src[k + 1] = src[k]; k--; }
      src[k + 1] = x;
    }
  }
  for (w = 8; w < n; w *= 2) {
    for (i = 0; i < n; i += 2 * w) {
      var m = Math.min(i + w, n), e = Math.min(i + 2 * w, n), l = i, r = m, o = i;
      while (l < m && r < e) dst[o++] = less(src[r], src[l]) ? src[r++] : src[l++];
      while (l < m) dst[o++] = src[l++];
      while (r < e) dst[o++] = src[r++];
    }
    var t = src; src = dst; dst = t;
  }
  return src;
}
function b_sorted(a, kw, ln) {
  tick(ln); a = kwa(a, kw, ["iterable", "key", "reverse"], "sorted", ln); argn(a, 1, 3, "sorted", ln);
  if (a.length > 1 && a[1] !== undefined && a[1] !== null) throw rt("sorted() does not support key=", ln);
  var xs = seq(a[0], ln), rev = a.length > 2 && tr(a[2]);
  return msort(xs, rev ? function (x, y) { return lt(y, x, ln); } : function (x, y) { return lt(x, y, ln); });
}
function b_reversed(a, kw, ln) {
  tick(ln); nokw(kw, "reversed", ln); argn(a, 1, 1, "reversed", ln);
  return seq(a[0], ln).slice().reverse();
}
function b_enumerate(a, kw, ln) {
  tick(ln); a = kwa(a, kw, ["iterable", "start"], "enumerate", ln); argn(a, 1, 2, "enumerate", ln);
  var xs = seq(a[0], ln), s = a.length > 1 && a[1] !== undefined ? intArg(a[1], ln) : 0, out = [];
  for (var i = 0; i < xs.length; i++) out.push(tup([i + s, xs[i]]));
  return out;
}
function b_zip(a, kw, ln) {
  tick(ln); nokw(kw, "zip", ln);
  var ss = [], n = Infinity, out = [], i;
  for (i = 0; i < a.length; i++) { ss.push(seq(a[i], ln)); n = Math.min(n, ss[i].length); }
  if (a.length === 0) return out;
  for (var j = 0; j < n; j++) {
    var t = [];
    for (i = 0; i < ss.length; i++) t.push(ss[i][j]);
    out.push(tup(t));
  }
  return out;
}
function b_any(a, kw, ln) {
  tick(ln); nokw(kw, "any", ln); argn(a, 1, 1, "any", ln);
  var xs = seq(a[0], ln);
  for (var i = 0; i < xs.length; i++) if (tr(xs[i])) return true;
  return false;
}
function b_all(a, kw, ln) {
  tick(ln); nokw(kw, "all", ln); argn(a, 1, 1, "all", ln);
  var xs = seq(a[0], ln);
  for (var i = 0; i < xs.length; i++) if (!tr(xs[i])) return false;
  return true;
}
function b_abs(a, kw, ln) {
  tick(ln); nokw(kw, "abs", ln); argn(a, 1, 1, "abs", ln);
  var x = a[0];
  if (typeof x === "number") return Math.abs(x);
  if (x instanceof Fl) return new Fl(Math.abs(x.v));
  throw rt("bad operand type for abs(): " + q(x), ln);
}
function halfEven(v) {
  var f = Math.floor(v), d = v - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}
function b_round(a, kw, ln) {
  tick(ln); a = kwa(a, kw, ["number", "ndigits"], "round", ln); argn(a, 1, 2, "round", ln);
  var x = a[0], nd = a.length > 1 ? a[1] : null, v = num(x), r;
  if (v === undefined) throw rt("type " + tname(x) + " doesn't define __round__ method", ln);
  if (nd === null || nd === undefined) {
    if (isInt(x)) return x;
    if (v !== v) throw rt("cannot convert float NaN to integer", ln);
    if (v === Infinity || v === -Infinity) throw rt("cannot convert float infinity to integer", ln);
    r = halfEven(v);
    return r === 0 ? 0 : r;
  }
  nd = intArg(nd, ln);
  if (isInt(x)) {
    if (nd >= 0) return x;
    var p = Math.pow(10, -nd);
    if (p > 1e300) return 0;
    r = halfEven(x / p) * p;
    return r === 0 ? 0 : r;
  }
  if (v !== v || v === Infinity || v === -Infinity || nd > 100 || Math.abs(v) >= 1e21) return x;
  if (nd < 0) { var pp = Math.pow(10, -nd); return mkf(pp === Infinity ? 0 * v : halfEven(v / pp) * pp); }
  var s = Math.abs(v).toFixed(nd), t = Math.abs(v) * Math.pow(2, nd + 1);
  if (t % 2 === 1) {
    var last = s.charCodeAt(s.length - 1) - 48;
    if (last % 2 === 1) s = s.slice(0, -1) + String(last - 1);
  }
  r = Number(s);
  return mkf(v < 0 || 1 / v < 0 ? -r : r);
}
function b_str(a, kw, ln) {
  tick(ln); nokw(kw, "str", ln); argn(a, 0, 1, "str", ln);
  return a.length === 0 ? "" : str(a[0], ln);
}
function stripWs(s) {
  var i = 0, j = s.length;
  while (i < j && isWs(s.charCodeAt(i))) i++;
  while (j > i && isWs(s.charCodeAt(j - 1))) j--;
  return s.slice(i, j);
}
function b_int(a, kw, ln) {
  tick(ln); a = kwa(a, kw, ["x", "base"], "int", ln); argn(a, 0, 2, "int", ln);
  if (a.length === 0) return 0;
  var x = a[0], base = a.length > 1 && a[1] !== undefined ? intArg(a[1], ln) : undefined;
  if (base === undefined) {
    if (typeof x === "boolean") return x ? 1 : 0;
    if (typeof x === "number" || x instanceof Fl) {
      var v = num(x);
      if (v !== v) throw rt("cannot convert float NaN to integer", ln);
      if (v === Infinity || v === -Infinity) throw rt("cannot convert float infinity to integer", ln);
      v = Math.trunc(v);
      return v === 0 ? 0 : v;
    }
  }
  if (typeof x !== "string") {
    if (base !== undefined) throw rt("int() can't convert non-string with explicit base", ln);
    throw rt("int() argument must be a string or a real number, not " + q(x), ln);
  }
  var b = base === undefined ? 10 : base;
  if (b !== 0 && (b < 2 || b > 36)) throw rt("int() base must be >= 2 and <= 36, or 0", ln);
  var s = stripWs(x), sign = 1, m;
  if (s.charAt(0) === "+" || s.charAt(0) === "-") { if (s.charAt(0) === "-") sign = -1; s = s.slice(1); }
  var low = s.toLowerCase();
  if ((b === 16 || b === 0) && /^0x_?/.test(low)) { s = s.replace(/^0[xX]_?/, ""); b = 16; }
  else if ((b === 8 || b === 0) && /^0o_?/.test(low)) { s = s.replace(/^0[oO]_?/, ""); b = 8; }
  else if ((b === 2 || b === 0) && /^0b_?/.test(low)) { s = s.replace(/^0[bB]_?/, ""); b = 2; }
  else if (b === 0) { if (/^0+(_?0)*$/.test(s)) s = "0"; else if (/^0/.test(s)) s = "!"; b = 10; }
  m = /^[0-9a-z]+(_[0-9a-z]+)*$/i.test(s) ? s.replace(/_/g, "") : null;
  var r = 0;
  if (m !== null) {
    for (var i = 0; i < m.length; i++) {
      var c = m.charCodeAt(i), dgt = c <= 57 ? c - 48 : (c | 32) - 87;
      if (dgt < 0 || dgt >= b) { m = null; break; }
    }
  }
  if (m === null) throw rt("invalid literal for int() with base " + (base === undefined ? 10 : base) + ": " + strRepr(x), ln);
  r = b === 10 ? Number(m) : parseInt(m, b);
  r = sign * r;
  return r === 0 ? 0 : r;
}
var FLOATRE = /^[+-]?(?:(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?|inf|infinity|nan)$/i;
function b_float(a, kw, ln) {
  tick(ln); nokw(kw, "float", ln); argn(a, 0, 1, "float", ln);
  if (a.length === 0) return new Fl(0);
  var x = a[0];
  if (typeof x === "boolean") return new Fl(x ? 1 : 0);
  if (typeof x === "number" || x instanceof Fl) return mkf(num(x));
  if (typeof x === "string") {
    var s = stripWs(x);
    if (!FLOATRE.test(s)) throw rt("could not convert string to float: " + strRepr(x), ln);
    var low = s.toLowerCase(), neg = low.charAt(0) === "-", body = low.replace(/^[+-]/, "");
    var v = body === "nan" ? NaN : body === "inf" || body === "infinity" ? Infinity : Number(body.replace(/_/g, ""));
    return mkf(neg ? -v : v);
  }
  throw rt("float() argument must be a string or a real number, not " + q(x), ln);
}
function b_bool(a, kw, ln) {
  tick(ln); nokw(kw, "bool", ln); argn(a, 0, 1, "bool", ln);
  return a.length === 0 ? false : tr(a[0]);
}
function b_list(a, kw, ln) {
  tick(ln); nokw(kw, "list", ln); argn(a, 0, 1, "list", ln);
  if (a.length === 0) return [];
  if (typeof a[0] === "string") return Array.from(a[0]);
  var xs = seq(a[0], ln);
  return xs === a[0] ? xs.slice() : xs;
}
function b_dict(a, kw, ln) {
  tick(ln); argn(a, 0, 1, "dict", ln);
  var d = new D(), i;
  if (a.length === 1) {
    var x = a[0];
    if (x instanceof D) d = new D(new Map(x.m));
    else {
      var ps = seq(x, ln);
      for (i = 0; i < ps.length; i++) {
        var p = ps[i];
        if (!Array.isArray(p) || p.length !== 2) throw rt("dictionary update sequence element #" + i + " has length " + (Array.isArray(p) ? p.length : "?") + "; 2 is required", ln);
        dset(d, p[0], p[1], ln);
      }
    }
  }
  if (kw !== undefined) for (i = 0; i < kw.length; i++) d.m.set(kw[i][0], kw[i][1]);
  return d;
}
function b_print(a, kw, ln) {
  tick(ln); a = a.slice(); var sep = " ";
  if (kw !== undefined) for (var i = 0; i < kw.length; i++) {
    if (kw[i][0] === "sep") { if (kw[i][1] !== null) { if (typeof kw[i][1] !== "string") throw rt("sep must be None or a string, not " + tname(kw[i][1]), ln); sep = kw[i][1]; } }
    else throw rt("print() got an unexpected keyword argument '" + kw[i][0] + "'", ln);
  }
  for (var j = 0; j < a.length; j++) a[j] = str(a[j], ln);
  hprint(a.join(sep), ln);
  return null;
}

// ------------------------------------------------------------ methods
function strArg(v, m, ln) {
  if (typeof v === "string") return v;
  throw rt(m + " argument must be str, not " + tname(v), ln);
}
function wsplit(s, max) {
  var out = [], i = 0, n = s.length;
  for (;;) {
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (i >= n) break;
    if (max >= 0 && out.length === max) { out.push(s.slice(i)); break; }
    var j = i;
    while (j < n && !isWs(s.charCodeAt(j))) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}
function strip(s, chars, ln) {
  if (chars === null || chars === undefined) return stripWs(s);
  chars = strArg(chars, "strip", ln);
  var set = Array.from(chars), cs = Array.from(s), i = 0, j = cs.length;
  while (i < j && set.indexOf(cs[i]) >= 0) i++;
  while (j > i && set.indexOf(cs[j - 1]) >= 0) j--;
  return cs.slice(i, j).join("");
}
function affix(s, p, m, ln, fn) {
  if (Array.isArray(p) && !Object.isExtensible(p)) {
    for (var i = 0; i < p.length; i++) if (fn(s, strArg(p[i], m, ln))) return true;
    return false;
  }
  if (typeof p !== "string") throw rt(m + " first arg must be str or a tuple of str, not " + tname(p), ln);
  return fn(s, p);
}
function strMeth(s, name, a, kw, ln) {
  var i;
  switch (name) {
    case "join": {
      nokw(kw, name, ln); argn(a, 1, 1, name, ln);
      var xs = seq(a[0], ln);
      for (i = 0; i < xs.length; i++) if (typeof xs[i] !== "string") throw rt("sequence item " + i + ": expected str instance, " + tname(xs[i]) + " found", ln);
      return xs.join(s);
    }
    case "lower": nokw(kw, name, ln); argn(a, 0, 0, name, ln); return s.toLowerCase();
    case "upper": nokw(kw, name, ln); argn(a, 0, 0, name, ln); return s.toUpperCase();
    case "strip": nokw(kw, name, ln); argn(a, 0, 1, name, ln); return strip(s, a[0], ln);
    case "split": {
      a = kwa(a, kw, ["sep", "maxsplit"], name, ln); argn(a, 0, 2, name, ln);
      var sep = a[0], max = a.length > 1 && a[1] !== undefined ? intArg(a[1], ln) : -1;
      if (sep === null || sep === undefined) return wsplit(s, max);
      sep = strArg(sep, "split", ln);
      if (sep === "") throw rt("empty separator", ln);
      var parts = s.split(sep);
      if (max >= 0 && parts.length > max + 1) parts = parts.slice(0, max).concat([parts.slice(max).join(sep)]);
      return parts;
    }
    case "startswith":
      nokw(kw, name, ln); argn(a, 1, 1, name, ln);
      return affix(s, a[0], name, ln, function (x, p) { return x.slice(0, p.length) === p; });
    case "endswith":
      nokw(kw, name, ln); argn(a, 1, 1, name, ln);
      return affix(s, a[0], name, ln, function (x, p) { return p.length === 0 || x.slice(-p.length) === p; });
    case "replace": {
      a = kwa(a, kw, ["old", "new", "count"], name, ln); argn(a, 2, 3, name, ln);
      var o = strArg(a[0], "replace", ln), nw = strArg(a[1], "replace", ln);
      var cnt = a.length > 2 && a[2] !== undefined ? intArg(a[2], ln) : -1;
      if (o === "") {
        var cs = Array.from(s), out = "";
        for (i = 0; i <= cs.length; i++) { if (cnt < 0 || i < cnt) out += nw; if (i < cs.length) out += cs[i]; }
        return out;
      }
      if (cnt < 0) return s.split(o).join(nw);
      var ps = s.split(o);
      if (ps.length - 1 <= cnt) return ps.join(nw);
      return ps.slice(0, cnt + 1).join(nw) + o + ps.slice(cnt + 1).join(o);
    }
  }
  return undefined;
}
function meth(o, name, a, kw, ln) {
  tick(ln);
  var r, i;
  if (typeof o === "string") { r = strMeth(o, name, a, kw, ln); if (r !== undefined) return r; }
  else if (isList(o)) {
    if (name === "append") { nokw(kw, name, ln); argn(a, 1, 1, name, ln); mut(o, ln); if (o.length >= MAXLEN) throw memErr(ln); o.push(a[0]); return null; }
    if (name === "extend") { nokw(kw, name, ln); argn(a, 1, 1, name, ln); iadd(o, a[0], ln); return null; }
  } else if (o instanceof D) {
    switch (name) {
      case "get": {
        nokw(kw, name, ln); argn(a, 1, 2, name, ln);
        var v = typeof a[0] === "string" ? o.m.get(a[0]) : undefined;
        if (typeof a[0] !== "string" && unhashable(a[0])) throw rt("unhashable type: " + q(a[0]), ln);
        return v !== undefined ? v : a.length > 1 ? a[1] : null;
      }
      case "keys": nokw(kw, name, ln); argn(a, 0, 0, name, ln); return Array.from(o.m.keys());
      case "values": nokw(kw, name, ln); argn(a, 0, 0, name, ln); return Array.from(o.m.values());
      case "items": {
        nokw(kw, name, ln); argn(a, 0, 0, name, ln);
        r = [];
        o.m.forEach(function (x, k) { r.push(tup([k, x])); });
        return r;
      }
    }
  }
  i = name;
  throw rt(q(o) + " object has no attribute '" + i + "'", ln);
}
`;
