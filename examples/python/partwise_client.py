#!/usr/bin/env python3
"""Drive Partwise from Python over `partwise serve --stdio` (standard library only).

    from partwise_client import Partwise
    with Partwise("examples/dinner/catalog.ts", "examples/dinner/policy.yaml") as pw:
        report = pw.check(open("examples/dinner/unaligned.pw").read())
        print(report["ok"], [d["rule"] for d in report["diagnostics"]])

Each request is one JSON line on the server's standard input, each response one
line on its standard output, matched by id. Run this file to see a round trip:

    python3 examples/python/partwise_client.py [--command "node dist/cli.js"]
"""
import itertools
import json
import shlex
import subprocess
import sys


class PartwiseError(Exception):
    """A request the server could not answer (the response had ok: false)."""


class Partwise:
    """A `partwise serve --stdio` subprocess and its request/response loop."""

    def __init__(self, catalog, policy=None, command="npx partwise"):
        argv = shlex.split(command) + ["serve", "--stdio", "--catalog", catalog]
        if policy is not None:
            argv += ["--policy", policy]
        self._proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1
        )
        self._ids = itertools.count(1)
        self._early = {}  # responses that arrived before they were asked for

    def request(self, op, **fields):
        """Sends one request and returns its `result`; raises PartwiseError on ok: false."""
        rid = next(self._ids)
        self._proc.stdin.write(json.dumps(dict(fields, id=rid, op=op)) + "\n")
        self._proc.stdin.flush()
        while rid not in self._early:
            line = self._proc.stdout.readline()
            if line == "":
                raise PartwiseError("the server exited (exit code %s)" % self._proc.poll())
            response = json.loads(line)
            self._early[response.get("id")] = response
        response = self._early.pop(rid)
        if not response["ok"]:
            raise PartwiseError(response["error"]["message"])
        return response["result"]

    def check(self, program, **fields):
        return self.request("check", program=program, **fields)

    def run(self, program, input=None, **fields):
        return self.request("run", program=program, input=input or {}, **fields)

    def explain(self, program, format="json"):
        return self.request("explain", program=program, format=format)

    def evaluate(self, program, **fields):
        return self.request("evaluate", program=program, **fields)

    def close(self):
        if self._proc.stdin and not self._proc.stdin.closed:
            self._proc.stdin.close()
        code = self._proc.wait(timeout=30)
        self._proc.stdout.close()
        return code

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def main(argv):
    command = "npx partwise"
    if len(argv) >= 2 and argv[0] == "--command":
        command = argv[1]
    aligned = open("examples/dinner/aligned.pw", encoding="utf-8").read()
    unaligned = open("examples/dinner/unaligned.pw", encoding="utf-8").read()
    with Partwise("examples/dinner/catalog.ts", "examples/dinner/policy.yaml", command=command) as pw:
        a = pw.check(aligned)
        u = pw.check(unaligned)
        print(json.dumps({
            "aligned": {"ok": a["ok"], "rules": sorted({d["rule"] for d in a["diagnostics"]})},
            "unaligned": {"ok": u["ok"], "rules": sorted({d["rule"] for d in u["diagnostics"]})},
        }, sort_keys=True))
        try:
            pw.request("no-such-op")
        except PartwiseError as e:
            print("error:", e)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
