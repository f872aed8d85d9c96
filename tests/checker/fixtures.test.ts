/** Fixture programs under tests/fixtures/checker with `# expect:` comments; `# setup:` names a catalog and policy. */
import { describe } from "vitest";
import { check } from "../../src/checker/check.js";
import type { Catalog } from "../../src/catalog/types.js";
import type { Policy } from "../../src/policy/types.js";
import { fixtureSuite } from "../helpers/fixtures.js";
import { dinnerCatalog, dinnerPolicy, policy } from "./helpers.js";
import { testCatalog } from "./rule-cases.js";

const setups: Record<string, { catalog: Catalog; policy: Policy }> = {
  dinner: { catalog: dinnerCatalog, policy: dinnerPolicy },
  payments: {
    catalog: testCatalog,
    policy: policy(testCatalog, {
      flows: [
        { to: "pay.recipient", notFrom: ["read_email"] },
        { to: "pay", notFrom: ["read_email"] },
      ],
    }),
  },
};

describe("checker fixtures", () => {
  fixtureSuite(new URL("../fixtures/checker", import.meta.url).pathname, (source, file, headers) => {
    const setup = setups[headers.setup ?? ""];
    if (setup === undefined) throw new Error(`${file}: unknown # setup: ${headers.setup ?? "(none)"}`);
    return check(source, { catalog: setup.catalog, policy: setup.policy, file }).diagnostics;
  });
});
