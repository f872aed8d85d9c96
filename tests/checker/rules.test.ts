/** Every checker rule: a table of valid and invalid cases (one diagnostic each, with line and column). */
import { ruleTable, src } from "./rule-cases.js";

ruleTable("undefined-name", {
  valid: [
    `x = 1\nprint(x)\n`,
    `print(users)\n`,
    src(`
      if query:
          x = 1
      else:
          x = 2
      print(x)
    `),
    `ys = [y for y in users]\nprint(ys)\n`,
    src(`
      acc = []
      for u in users:
          acc.append(u)
      print(acc)
    `),
  ],
  invalid: [
    { code: `print(nope)\n`, line: 1, column: 7, message: "`nope` is not defined" },
    {
      code: src(`
        for u in users:
            last = u
        print(last)
      `),
      line: 3,
      column: 7,
      message: "may be unset here",
    },
    {
      code: src(`
        if query:
            x = 1
        print(x)
      `),
      line: 3,
      column: 7,
      message: "only assigned inside the `if` at line 1",
    },
    { code: `print(x)\nx = 1\nprint(x)\n`, line: 1, column: 7, message: "used before it is assigned" },
    { code: `print(y)\nys = [y for y in users]\nprint(ys)\n`, line: 1, column: 7 },
    { code: `print(usres)\n`, line: 1, column: 7 },
  ],
});

ruleTable("unknown-function", {
  valid: [`x = summarize(query)\nprint(len(x))\n`, `xs = []\nxs.append(1)\nprint(xs)\n`, `print(query.upper())\n`],
  invalid: [
    { code: `x = sumarize(query)\nprint(x)\n`, line: 1, column: 5, message: "`sumarize` is not a catalog function" },
    { code: `xs = []\nxs.add(1)\nprint(xs)\n`, line: 2, column: 4, message: "has no method `add`" },
    { code: `x = 1\nprint(x(2))\n`, line: 2, column: 7, message: "is a variable" },
    { code: `print(users())\n`, line: 1, column: 7, message: "is an input" },
    { code: `print(query.frobnicate())\n`, line: 1, column: 13 },
  ],
});

ruleTable("bad-call", {
  valid: [
    `print(summarize(text=query))\n`,
    `print(rank(users))\n`,
    `print(rank(users, top=2))\n`,
    `print(len(users))\n`,
  ],
  invalid: [
    { code: `print(summarize(query, query))\n`, line: 1, column: 24, message: "takes 1 argument but 2 were given" },
    { code: `print(summarize(txt=query))\n`, line: 1, column: 17, message: "has no parameter `txt`" },
    { code: `print(summarize())\n`, line: 1, column: 7, message: "missing the argument `text`" },
    { code: `print(summarize(query, text=query))\n`, line: 1, column: 24, message: "more than once" },
    { code: `print(len())\n`, line: 1, column: 7, message: "takes 1 argument but 0 were given" },
    { code: `print(len(users, x=1))\n`, line: 1, column: 18, message: "takes no keyword arguments" },
  ],
});

ruleTable("type-mismatch", {
  valid: [
    `print(summarize(query))\n`,
    `print(plan("fast"))\n`,
    `x = lookup("a")\nprint(x.restaurant)\n`,
    `print(merge({"a": query}))\n`,
    `print(summarize(users[0]))\n`,
  ],
  invalid: [
    { code: `print(summarize(["a", "b"]))\n`, line: 1, column: 17, message: "must be `string`" },
    { code: `print(plan("medium"))\n`, line: 1, column: 12 },
    { code: `for c in 3:\n    print(c)\n`, line: 1, column: 10, message: "needs a list or dict" },
    { code: `x = lookup("a")\nprint(x.restaurnt)\n`, line: 2, column: 9, message: "has no field `restaurnt`" },
    { code: `print(merge(users))\n`, line: 1, column: 13 },
  ],
});

ruleTable("reassign-reserved", {
  valid: [`guests = users\nprint(guests)\n`],
  invalid: [
    { code: `users = []\nprint(users)\n`, line: 1, column: 1, message: "`users` is an input" },
    { code: `for len in users:\n    print(len)\n`, line: 1, column: 5, message: "is a builtin" },
    { code: `summarize = 1\n`, line: 1, column: 1, message: "catalog function" },
  ],
});

ruleTable("loop-depth", {
  valid: [`for u in users:\n    print(u)\n`, `print([u for u in users])\n`],
  invalid: [
    {
      code: `for u in users:\n    for i in ids:\n        print(u, i)\n`,
      line: 2,
      column: 5,
      message: "loop nested 2 deep; the policy allows 1",
    },
    { code: `print([(u, i) for u in users for i in ids])\n`, line: 1, column: 30 },
    { code: `for u in users:\n    print([c for c in ids])\n`, line: 2, column: 14 },
  ],
});

ruleTable("loop-depth", {
  policy: { maxLoopDepth: 0 },
  valid: [`print(summarize(query))\n`],
  invalid: [{ code: `for u in users:\n    print(u)\n`, line: 1, column: 1, message: "the policy allows 0" }],
});

ruleTable("effect-in-loop", {
  valid: [`notify(query)\n`, `for u in users:\n    print(summarize(u))\n`],
  invalid: [
    { code: `for u in users:\n    notify(u)\n`, line: 2, column: 5, message: "`notify` (effect `email`)" },
    { code: `print([notify(u) for u in users])\n`, line: 1, column: 8 },
  ],
});

ruleTable("call-budget", {
  policy: { budgets: { summarize: 4, "effect:email": 1, "*": 21, cost: 25, rank: { min: 1, max: 1 } } },
  valid: [
    `rank(users)\nfor i in ids:\n    print(summarize(i))\n`,
    src(`
      r = rank(users)
      if query:
          notify(query)
      else:
          send(query, query)
      print(r)
    `),
  ],
  invalid: [
    {
      code: `rank(users)\nfor u in users:\n    print(summarize(u))\n`,
      line: 3,
      column: 11,
      message: "`summarize` may be called up to 20 times (|users| ≤ 20); the policy allows 4",
    },
    {
      code: `rank(users)\nnotify(query)\nsend(query, query)\n`,
      line: 2,
      column: 1,
      message: "calls with effect `email`",
    },
    {
      code: `rank(users)\nfor x in fetch_all():\n    print(x)\nfor u in users:\n    print(fetch(u))\n`,
      line: 5,
      column: 11,
      message: "catalog calls may be made up to 22 times",
    },
    {
      code: `rank(users)\nprint(heavy(query), heavy(query), heavy(query))\n`,
      line: 2,
      column: 7,
      message: "total cost",
    },
    { code: `if query:\n    rank(users)\n`, line: 2, column: 5, message: "the policy requires at least 1" },
  ],
});

ruleTable("call-budget", {
  policy: { budgets: { summarize: 5 } },
  valid: [`for x in range(5):\n    print(summarize(query))\n`],
  invalid: [
    {
      code: `for x in fetch_all():\n    print(summarize(x))\n`,
      line: 2,
      column: 11,
      message: "unbounded number of times",
    },
  ],
});

ruleTable("flow-required", {
  policy: {
    flows: [
      { to: "send.body", from: ["summarize"] },
      { to: "pay", from: ["lookup", "ids"] },
    ],
  },
  valid: [
    `s = summarize(query)\nsend(query, s)\n`,
    `send(query, "Summary: " + summarize(query))\n`,
    `parts = []\nparts.append(summarize(query))\nsend(query, parts[0])\n`,
    `b = lookup(ids[0])\npay(b.restaurant, len(ids))\n`,
  ],
  invalid: [
    {
      code: `send(query, query)\n`,
      line: 1,
      column: 13,
      message: "argument `body` of `send` does not derive from `summarize`",
    },
    { code: `if summarize(query):\n    send(query, "yes")\n`, line: 2, column: 17 },
    { code: `b = lookup(query)\npay(b.restaurant, 3)\n`, line: 2, column: 19 },
  ],
});

ruleTable("flow-forbidden", {
  policy: {
    flows: [
      { to: "pay.recipient", notFrom: ["read_email"] },
      { to: "notify", notFrom: ["read_email"] },
    ],
  },
  valid: [
    `mail = read_email()\nprint(summarize(mail))\npay("bob", 10)\n`,
    `pay(lookup(query).restaurant, 1)\n`,
    `x = read_email()\nx = query\npay(x, 1)\n`,
  ],
  invalid: [
    { code: `mail = read_email()\npay(mail, 10)\n`, line: 2, column: 5, message: "derives from `read_email`" },
    {
      code: `mail = read_email()\nif "urgent" in mail:\n    pay("bob", 10)\n`,
      line: 3,
      column: 5,
      message: "the call of `pay` depends on `read_email` through control flow",
    },
    { code: `who = summarize(read_email())\npay(who, 1)\n`, line: 2, column: 5 },
    { code: `for w in fetch(read_email()):\n    r = w\npay(r, 1)\n`, line: 3, column: 5 },
    { code: `m = read_email()\nif m:\n    notify("x")\n`, line: 3, column: 5 },
  ],
});

ruleTable("order", {
  policy: { order: [{ before: "lookup", then: "pay" }] },
  valid: [
    `b = lookup(query)\npay(b.restaurant, 1)\n`,
    `pay(lookup(query).restaurant, 1)\n`,
    `if query:\n    b = lookup("a")\nelse:\n    b = lookup("b")\npay(b.code, 1)\n`,
  ],
  invalid: [
    {
      code: `pay("x", 1)\nb = lookup(query)\nprint(b)\n`,
      line: 1,
      column: 1,
      message: "`pay` can run before `lookup`",
    },
    { code: `for i in ids:\n    b = lookup(i)\npay("x", 1)\n`, line: 3, column: 1 },
    { code: `if query:\n    print(lookup(query))\npay("x", 1)\n`, line: 3, column: 1 },
    { code: `x = lookup(query) if query else None\npay("x", 1)\nprint(x)\n`, line: 2, column: 1 },
  ],
});

ruleTable("shape", {
  policy: { shape: "sequence" },
  valid: [`a = summarize(query)\nb = summarize(a)\nprint(b)\n`],
  invalid: [
    { code: `for u in users:\n    print(u)\n`, line: 1, column: 1, message: "a `for` loop" },
    { code: `if query:\n    print(1)\nelif users:\n    print(2)\n`, line: 1, column: 1, message: "an `if` statement" },
    { code: `print([u for u in users])\n`, line: 1, column: 7, message: "comprehension" },
    { code: `print(1 if query else 2)\n`, line: 1, column: 7, message: "conditional expression" },
  ],
});

ruleTable("shape", {
  policy: { shape: "tree" },
  valid: [
    `a = summarize(query)\nprint(summarize(a))\n`,
    `print(summarize(summarize(query)))\n`,
    // One read per arm of an if/else: one consumption on every run.
    `a = summarize(query)\nif query:\n    print(summarize(a))\nelse:\n    print(a)\n`,
    `a = summarize(query)\nprint(summarize(a) if query else a)\n`,
    // A new call's result in the same variable is a new value.
    `a = summarize(query)\nprint(a)\na = summarize(query)\nprint(a)\n`,
    `a = summarize(query)\nif query:\n    print(a)\n    return 1\nprint(a)\n`,
  ],
  invalid: [
    {
      code: `a = summarize(query)\nprint(summarize(a))\nprint(a)\n`,
      line: 3,
      column: 7,
      message: "used more than once",
    },
    { code: `a = summarize(query)\nfor u in users:\n    print(a + u)\n`, line: 3, column: 11 },
    {
      code: `a = summarize(query)\nif query:\n    print(a)\nprint(a)\n`,
      line: 4,
      column: 7,
      message: "used more than once",
    },
    { code: `a = summarize(query)\nprint(a + a)\n`, line: 2, column: 11 },
    { code: `a = summarize(query)\nprint([a for u in users])\n`, line: 2, column: 8 },
    { code: `a = summarize(query)\nif a:\n    print(1)\nelse:\n    print(a)\n`, line: 5, column: 11 },
  ],
});

ruleTable("glue-complexity", {
  policy: { maxOps: 3 },
  valid: [`x = summarize(query)\nprint(x)\n`, `x = len(users) + 1\nprint(x)\n`],
  invalid: [
    {
      code: `x = len(users) + 1\ny = x * 2\nprint(y)\n`,
      line: 3,
      column: 1,
      message: "the composition has 4 glue operations; the policy allows 3",
    },
  ],
});

ruleTable("loop-overwrite", {
  valid: [
    `prefs = {}\nfor u in users:\n    prefs[u] = fetch(u)\nprint(prefs)\n`,
    `for u in users:\n    x = fetch(u)\n    print(x)\n`,
    `total = 0\nfor u in users:\n    total += len(u)\nprint(total)\n`,
    `for u in users:\n    found = u\n    if u == query:\n        break\nprint(found)\n`,
    `for u in users:\n    x = u\nx = query\nprint(x)\n`,
  ],
  invalid: [
    {
      code: `for u in users:\n    x = fetch(u)\nprint(x)\n`,
      line: 3,
      column: 7,
      message: "only the last iteration's `x`",
    },
    { code: `for u in users:\n    print(u)\nprint(u)\n`, line: 3, column: 7 },
  ],
});

ruleTable("unused-variable", {
  valid: [
    `x = 1\nprint(x)\n`,
    `for _ in users:\n    print(1)\n`,
    `_ignored = summarize(query)\n`,
    `d = {}\nd["a"] = 1\n`,
  ],
  invalid: [
    { code: `x = summarize(query)\n`, line: 1, column: 1, message: "`x` is assigned but never read" },
    { code: `x = 1\nprint(x)\nx = 2\n`, line: 3, column: 1, message: "the value assigned to `x` here is never read" },
    { code: `for u in users:\n    print(1)\n`, line: 1, column: 5, message: "the loop variable `u` is never read" },
    { code: `print([1 for u in users])\n`, line: 1, column: 14 },
    { code: `a, b = fetch(query)\nprint(a)\n`, line: 1, column: 4 },
  ],
});

ruleTable("unused-result", {
  valid: [`x = summarize(query)\nprint(x)\n`, `notify(query)\n`, `print(summarize(query))\n`],
  invalid: [{ code: `summarize(query)\n`, line: 1, column: 1, message: "the result of `summarize` is thrown away" }],
});

ruleTable("unreachable", {
  valid: [`for u in users:\n    if u:\n        break\n    print(u)\n`, `if query:\n    return 1\nreturn 2\n`],
  invalid: [
    { code: `return 1\nprint(2)\n`, line: 2, column: 1, message: "never run" },
    { code: `for u in users:\n    continue\n    print(u)\n`, line: 3, column: 5 },
    { code: `if query:\n    return 1\nelse:\n    return 2\nprint(3)\n`, line: 5, column: 1 },
  ],
});
