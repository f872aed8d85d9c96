"""Differential-testing driver: runs Partwise compositions in CPython.

Reads one JSON array of program sources on stdin and writes one JSON array
of outcomes: {"ok": <result>, "prints": [...], "big": bool} or
{"err": "<ExceptionClass>", "line": N, "prints": [...]}. Each program runs
as the body of a function (so `return` works) with only the language's
builtins and the stub catalog functions in scope.
"""
import json
import resource
import signal
import sys
import traceback


class Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise Timeout()


def norm(v):
    """A value after a JSON round trip through JavaScript: integral floats become ints."""
    v = json.loads(json.dumps(v))

    def fix(x):
        if isinstance(x, float) and x.is_integer():
            return int(x)
        if isinstance(x, list):
            return [fix(y) for y in x]
        if isinstance(x, dict):
            return {k: fix(y) for k, y in x.items()}
        return x

    return fix(v)


def stub(fn):
    def call(*args):
        return norm(fn(*norm(list(args))))

    return call


def _double(x):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError("double wants a number")
    return x * 2


def _label(s):
    if not isinstance(s, str):
        raise TypeError("label wants a string")
    return "<" + s + ">"


def _nums(n):
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("nums wants an int")
    return list(range(max(0, min(n, 5))))


class Record(dict):
    """A catalog record: attribute access reads a key."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)


def _rec(s):
    if not isinstance(s, str):
        raise TypeError("rec wants a string")
    return {"name": s + "!", "size": 1 if len(s) > 0 else 0}


def rec(*args):
    return Record(stub(_rec)(*args))


BIG = 2**53


def is_big(v):
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return abs(v) > BIG
    if isinstance(v, (list, tuple)):
        return any(is_big(x) for x in v)
    if isinstance(v, dict):
        return any(is_big(x) for x in v.values())
    return False


def big_print(prints):
    """True when printed text holds an integer too large for a double to be exact."""
    digits = "".join(c if c.isdigit() else " " for p in prints for c in p)
    return any(len(w) > 15 for w in digits.split())


def run(src):
    prints = []

    def _print(*args, sep=" "):
        prints.append(sep.join(str(a) for a in args))

    allowed = {
        "len": len, "range": range, "min": min, "max": max, "sum": sum, "sorted": sorted,
        "reversed": reversed, "enumerate": enumerate, "zip": zip, "any": any, "all": all,
        "abs": abs, "round": round, "str": str, "int": int, "float": float, "bool": bool,
        "list": list, "dict": dict, "print": _print,
    }
    ns = {
        "__builtins__": allowed,
        "double": stub(_double), "label": stub(_label), "nums": stub(_nums), "rec": rec,
    }
    body = "".join("    " + line + "\n" for line in src.splitlines()) or "    pass\n"
    try:
        code = compile("def __pw_main():\n" + body, "<pw>", "exec")
    except SyntaxError as e:
        return {"skip": "syntax: " + str(e)}
    signal.setitimer(signal.ITIMER_REAL, 2.0)
    try:
        exec(code, ns)
        result = ns["__pw_main"]()
        text = json.dumps(result)
        signal.setitimer(signal.ITIMER_REAL, 0)
        if len(text) > 100000 or sum(len(p) for p in prints) > 100000:
            return {"skip": "large"}
        return {"ok": json.loads(text), "prints": prints, "big": is_big(result) or big_print(prints)}
    except (RecursionError, MemoryError, Timeout) as e:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return {"skip": type(e).__name__}
    except Exception as e:  # noqa: BLE001 - every exception is an outcome
        signal.setitimer(signal.ITIMER_REAL, 0)
        if sum(len(p) for p in prints) > 100000:
            return {"skip": "large"}
        line = None
        for frame in traceback.extract_tb(e.__traceback__):
            if frame.filename == "<pw>":
                line = frame.lineno - 1
        return {"err": type(e).__name__, "line": line, "prints": prints, "big": big_print(prints), "message": str(e)}


def main():
    # A generated program that grows without bound fails here, not the machine.
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    signal.signal(signal.SIGALRM, _alarm)
    programs = json.load(sys.stdin)
    out = [run(p) for p in programs]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
