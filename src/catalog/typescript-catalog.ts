/**
 * Reads a TypeScript catalog from its syntax tree alone: nothing is
 * executed, no type checker or lib file is loaded. Exported functions
 * become catalog functions, exported `const`s become inputs, and the
 * types in their signatures are mapped to catalog types by reading the
 * type nodes, resolving named types from interfaces and type aliases
 * declared in the file or imported from relative files in the catalog's
 * folder. Anything that cannot be mapped is a problem naming the file,
 * the line and the type, never a silent `any`.
 *
 * Problems are collected, not thrown one at a time: each declaration,
 * parameter, result, field and union member is read on its own, one that
 * cannot be mapped is reported and read as `any` so the rest is still
 * checked, and at the end one `CatalogError` lists every problem in source
 * order. A named type that cannot be read is reported once and reads as
 * `any` wherever else it is used. A file that does not parse is reported
 * alone: nothing in it can be trusted.
 *
 * Decisions: `@irreversible` without `@effect` is effect class `external`
 * (as for MCP tools); `undefined` and `void` map to `null` (a handler that
 * returns nothing gives the composition `None`); `export const f = (…) => …`
 * is a function, any other exported `const` an input; `export default` is
 * ignored (a composition calls functions by name); in a `.d.ts` only
 * declarations written with `export` count.
 */
import { dirname, join, relative, resolve, isAbsolute } from "node:path";
import type { ts } from "ts-morph";
import { didYouMean } from "../util/suggest.js";
import { DEFAULT_EFFECT_CLASS } from "./build.js";
import { CatalogError } from "./catalog-error.js";
import { inSourceOrder, type LoadProblem } from "./load-problem.js";
import { catalogNameProblem, isEffectClass } from "./names.js";
import type { CatalogFunction, CatalogInput, Field, Param, Type } from "./types.js";
import type { TypeScript } from "./typescript-module.js";
import { canHaveItems, unionOf } from "./type-ops.js";

/** Reads a file by absolute path; undefined when it does not exist. */
export type ReadFile = (absolutePath: string) => string | undefined;

/** What the TypeScript reader found, and every file it read (for hashing and caching). */
export interface TypeScriptCatalog {
  readonly functions: readonly CatalogFunction[];
  readonly inputs: readonly CatalogInput[];
  /** The catalog file first, then each imported file in the order read. */
  readonly files: readonly { readonly path: string; readonly absolutePath: string; readonly text: string }[];
}

/** The types a catalog may use, as the error messages list them. */
const ALLOWED = "use string, number, boolean, null, arrays, Record<string, T>, interfaces, literal unions";

/** The JSDoc tags Partwise reads. */
const CATALOG_TAGS = ["effect", "irreversible", "maxItems", "minItems", "cost"] as const;

/** Standard JSDoc/TSDoc tags: never mistaken for a misspelt catalog tag. */
const STANDARD_TAGS: ReadonlySet<string> = new Set(
  (
    "param returns return throws example see since deprecated remarks privateRemarks link internal alpha beta " +
    "public private protected readonly type typedef template default defaultValue author version license todo " +
    "async override virtual experimental eventProperty inheritDoc label packageDocumentation sealed decorator " +
    "summary description file module namespace property prop arg argument callback enum const constant"
  ).split(" "),
);

/** One problem, thrown up to the nearest part of the catalog that is read on its own. */
class ReaderProblem extends Error {
  constructor(readonly problem: LoadProblem) {
    super(problem.message);
  }
}

/** What a named type that cannot be read reads as, after it has been reported once. */
const UNREADABLE: Type = { kind: "any" };

/** Keyword types by syntax kind (built on first use: the kinds come from the lazily loaded compiler). */
let KEYWORD_TYPES: ReadonlyMap<ts.SyntaxKind, "string" | "number" | "boolean" | "any" | "null"> | undefined;

interface SourceInfo {
  /** Path as shown to the user (relative to where the catalog path was given). */
  readonly path: string;
  readonly absolutePath: string;
  readonly sf: ts.SourceFile;
  readonly isDeclaration: boolean;
  /** Interfaces (possibly merged) and type aliases by name. */
  readonly types: ReadonlyMap<string, readonly (ts.InterfaceDeclaration | ts.TypeAliasDeclaration)[]>;
  /** Names brought in by `import`: local name → module specifier and imported name. */
  readonly imports: ReadonlyMap<
    string,
    { readonly specifier: string; readonly imported: string; readonly node: ts.Node }
  >;
}

/** Where a type appears, for messages: "parameter `x` of `f`" and the full type text written there. */
interface Site {
  readonly where: string;
  readonly outer: string;
}

interface Tag {
  readonly name: string;
  readonly value: string;
  readonly node: ts.Node;
}

interface Doc {
  readonly text: string;
  readonly tags: readonly Tag[];
  readonly params: ReadonlyMap<string, string>;
}

/**
 * Reads the catalog in `text` (the file at `path`). `readFile` is used only
 * for relative imports of types.
 */
export function readTypeScriptCatalog(
  ts: TypeScript,
  text: string,
  path: string,
  readFile: ReadFile,
): TypeScriptCatalog {
  return new Reader(ts, path, readFile).read(text);
}

class Reader {
  private readonly rootDir: string;
  private readonly files = new Map<string, SourceInfo>();
  private readonly texts: { path: string; absolutePath: string; text: string }[] = [];
  private readonly memo = new Map<string, Type>();
  private readonly resolving = new Set<string>();
  private readonly problems: LoadProblem[] = [];

  constructor(
    private readonly ts: TypeScript,
    private readonly path: string,
    private readonly readFile: ReadFile,
  ) {
    this.rootDir = dirname(resolve(path));
  }

  /** The catalog in `text`; throws `CatalogError` with every problem found. */
  read(text: string): TypeScriptCatalog {
    let file: SourceInfo;
    try {
      file = this.parse(this.path, resolve(this.path), text);
    } catch (err) {
      if (err instanceof ReaderProblem) throw new CatalogError([err.problem]);
      throw err;
    }
    const read = this.readDeclarations(file);
    if (this.problems.length > 0) {
      throw new CatalogError(inSourceOrder(this.problems, [file.path, ...this.texts.map((t) => t.path)]));
    }
    return read;
  }

  private readDeclarations(file: SourceInfo): TypeScriptCatalog {
    const ts = this.ts;
    const functions: CatalogFunction[] = [];
    const inputs: CatalogInput[] = [];
    const firstLine = new Map<string, number>();
    /** Reports a bad or repeated name; the declaration is read anyway, for the problems in its types. */
    const claim = (name: string, node: ts.Node): void => {
      const line = this.line(file, node);
      const problem = catalogNameProblem(name);
      if (problem !== undefined) {
        this.report(
          file,
          node,
          `catalog name \`${name}\` ${problem}`,
          "name catalog functions and inputs with letters, digits and `_`",
        );
      }
      const first = firstLine.get(name);
      if (first !== undefined) {
        this.report(
          file,
          node,
          `\`${name}\` is declared more than once in the catalog (first at line ${first})`,
          "give every catalog function and input its own name",
        );
      } else {
        firstLine.set(name, line);
      }
    };

    // Local declarations, for `export { name }` lists and overload detection.
    const localFunctions = new Map<string, ts.FunctionDeclaration[]>();
    const localVariables = new Map<string, { decl: ts.VariableDeclaration; statement: ts.VariableStatement }>();
    for (const st of file.sf.statements) {
      if (ts.isFunctionDeclaration(st) && st.name !== undefined) {
        const list = localFunctions.get(st.name.text) ?? [];
        list.push(st);
        localFunctions.set(st.name.text, list);
      } else if (ts.isVariableStatement(st)) {
        for (const decl of st.declarationList.declarations) {
          if (ts.isIdentifier(decl.name)) localVariables.set(decl.name.text, { decl, statement: st });
        }
      }
    }

    const addFunction = (name: string, fn: ts.FunctionDeclaration): void => {
      const all = localFunctions.get(fn.name?.text ?? name) ?? [fn];
      if (all.length > 1) {
        const second = all[1] ?? fn;
        this.report(
          file,
          second.name ?? second,
          `function \`${name}\` is overloaded; a catalog function has one signature`,
          "keep one declaration with one parameter list",
        );
        return;
      }
      claim(name, fn.name ?? fn);
      const declared = file.isDeclaration || this.hasModifier(fn, ts.SyntaxKind.DeclareKeyword);
      functions.push(this.readFunction(file, name, fn, fn, fn.name ?? fn, !declared && fn.body !== undefined));
    };
    const addVariable = (name: string, decl: ts.VariableDeclaration, statement: ts.VariableStatement): void => {
      claim(name, decl.name);
      const init = decl.initializer === undefined ? undefined : this.unwrapExpression(decl.initializer);
      if (init !== undefined && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
        functions.push(this.readFunction(file, name, init, statement, decl.name, !file.isDeclaration));
      } else {
        inputs.push(this.readInput(file, name, decl, statement));
      }
    };

    for (const st of file.sf.statements) {
      if (ts.isFunctionDeclaration(st)) {
        if (!this.hasModifier(st, ts.SyntaxKind.ExportKeyword) || this.hasModifier(st, ts.SyntaxKind.DefaultKeyword))
          continue;
        if (st.name === undefined) continue;
        // An overload list is reported once, at its second declaration.
        const all = localFunctions.get(st.name.text);
        if (all !== undefined && all.length > 1 && all[0] !== st) continue;
        addFunction(st.name.text, st);
      } else if (ts.isVariableStatement(st)) {
        if (!this.hasModifier(st, ts.SyntaxKind.ExportKeyword)) continue;
        for (const decl of st.declarationList.declarations) {
          if (!ts.isIdentifier(decl.name)) {
            this.report(
              file,
              decl,
              `an exported destructuring declaration (\`${decl.name.getText(file.sf)}\`) cannot be a catalog input`,
              "declare each input on its own: `export declare const users: string[];`",
            );
            continue;
          }
          addVariable(decl.name.text, decl, st);
        }
      } else if (ts.isExportDeclaration(st)) {
        if (st.isTypeOnly) continue;
        if (st.moduleSpecifier !== undefined) {
          this.report(
            file,
            st,
            `re-exports from \`${st.moduleSpecifier.getText(file.sf)}\` are not read`,
            "declare catalog functions and inputs in the catalog file itself",
          );
          continue;
        }
        const clause = st.exportClause;
        if (clause === undefined || !ts.isNamedExports(clause)) continue;
        for (const spec of clause.elements) {
          if (spec.isTypeOnly) continue;
          const local = (spec.propertyName ?? spec.name).getText(file.sf);
          const exported = spec.name.getText(file.sf);
          const fns = localFunctions.get(local);
          const variable = localVariables.get(local);
          if (fns?.[0] !== undefined) addFunction(exported, fns[0]);
          else if (variable !== undefined) addVariable(exported, variable.decl, variable.statement);
          else if (!file.types.has(local)) {
            this.report(
              file,
              spec,
              `\`${local}\` is exported but is not a function or \`const\` declared in the catalog`,
              "export only functions, `const`s, interfaces and types declared in the catalog file",
            );
          }
        }
      } else if (
        (ts.isClassDeclaration(st) || ts.isEnumDeclaration(st) || ts.isModuleDeclaration(st)) &&
        this.hasModifier(st, ts.SyntaxKind.ExportKeyword) &&
        !this.hasModifier(st, ts.SyntaxKind.DefaultKeyword)
      ) {
        const what = ts.isClassDeclaration(st) ? "a class" : ts.isEnumDeclaration(st) ? "an enum" : "a namespace";
        this.report(
          file,
          st,
          `exported \`${st.name?.getText(file.sf) ?? "?"}\` is ${what}, which a catalog cannot use`,
          "a catalog exports functions (subtasks), `const`s (inputs), interfaces and types",
        );
      }
    }
    return { functions, inputs, files: this.texts };
  }

  // -------------------------------------------------------------------------
  // Files

  private parse(path: string, absolutePath: string, text: string): SourceInfo {
    const ts = this.ts;
    const sf = ts.createSourceFile(absolutePath, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const syntaxErrors = (sf as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] })
      .parseDiagnostics;
    const first = syntaxErrors?.[0];
    if (first !== undefined) {
      const at = sf.getLineAndCharacterOfPosition(first.start);
      throw new ReaderProblem({
        message: `the catalog does not parse as TypeScript: ${ts.flattenDiagnosticMessageText(first.messageText, " ")}`,
        file: path,
        line: at.line + 1,
        column: at.character + 1,
        key: undefined,
        help: undefined,
      });
    }
    const types = new Map<string, (ts.InterfaceDeclaration | ts.TypeAliasDeclaration)[]>();
    const imports = new Map<string, { specifier: string; imported: string; node: ts.Node }>();
    for (const st of sf.statements) {
      if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) {
        const list = types.get(st.name.text) ?? [];
        list.push(st);
        types.set(st.name.text, list);
      } else if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
        const bindings = st.importClause?.namedBindings;
        if (bindings !== undefined && ts.isNamedImports(bindings)) {
          for (const el of bindings.elements) {
            imports.set(el.name.text, {
              specifier: st.moduleSpecifier.text,
              imported: (el.propertyName ?? el.name).getText(sf),
              node: el,
            });
          }
        }
      }
    }
    const info: SourceInfo = {
      path,
      absolutePath,
      sf,
      isDeclaration: /\.d\.[mc]?ts$/.test(absolutePath),
      types,
      imports,
    };
    this.files.set(absolutePath, info);
    this.texts.push({ path, absolutePath, text });
    return info;
  }

  /** The file a relative import names, read and parsed once. */
  private importedFile(from: SourceInfo, specifier: string, node: ts.Node): SourceInfo {
    const fail = (why: string): ReaderProblem =>
      this.fail(
        from,
        node,
        `cannot read types from \`${specifier}\`: ${why}`,
        "a catalog's types come from the catalog file or relative imports within its folder",
      );
    if (!specifier.startsWith("./") && !specifier.startsWith("../")) throw fail("only relative imports are read");
    const base = resolve(dirname(from.absolutePath), specifier);
    const stem = base.replace(/\.(m?js|m?ts)$/, "");
    const candidates = /\.d\.m?ts$/.test(base)
      ? [base]
      : base.endsWith(".mjs")
        ? [`${stem}.mts`, `${stem}.d.mts`]
        : base.endsWith(".mts")
          ? [base]
          : [`${stem}.ts`, `${stem}.d.ts`, `${stem}.mts`, join(base, "index.ts")];
    for (const abs of candidates) {
      const rel = relative(this.rootDir, abs);
      if (rel.startsWith("..") || isAbsolute(rel)) throw fail("it is outside the catalog's folder");
      const known = this.files.get(abs);
      if (known !== undefined) return known;
      const text = this.readFile(abs);
      if (text !== undefined)
        return this.parse(join(dirname(from.path), relative(dirname(from.absolutePath), abs)), abs, text);
    }
    throw fail(
      `no such file (looked for ${candidates.map((c) => relative(dirname(from.absolutePath), c)).join(", ")})`,
    );
  }

  private line(file: SourceInfo, node: ts.Node): number {
    return file.sf.getLineAndCharacterOfPosition(node.getStart(file.sf)).line + 1;
  }

  // -------------------------------------------------------------------------
  // Problems

  /** A problem at `node` of `file`, to throw up to the nearest part read on its own (see `guard`). */
  private fail(file: SourceInfo, node: ts.Node, message: string, help?: string): ReaderProblem {
    const at = file.sf.getLineAndCharacterOfPosition(node.getStart(file.sf));
    return new ReaderProblem({
      message,
      file: file.path,
      line: at.line + 1,
      column: at.character + 1,
      key: undefined,
      help,
    });
  }

  /** Records a problem at `node` of `file`; reading goes on. */
  private report(file: SourceInfo, node: ts.Node, message: string, help?: string): void {
    this.problems.push(this.fail(file, node, message, help).problem);
  }

  /** `read()`, or `fallback` with the problem recorded when it throws one. */
  private guard<T>(fallback: T, read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof ReaderProblem)) throw err;
      this.problems.push(err.problem);
      return fallback;
    }
  }

  private hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
    const ts = this.ts;
    return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
  }

  private unwrapExpression(e: ts.Expression): ts.Expression {
    const ts = this.ts;
    let cur = e;
    while (ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur) || ts.isSatisfiesExpression(cur)) {
      cur = cur.expression;
    }
    return cur;
  }

  // -------------------------------------------------------------------------
  // Declarations

  private readFunction(
    file: SourceInfo,
    name: string,
    fn: ts.SignatureDeclarationBase,
    docHost: ts.Node,
    nameNode: ts.Node,
    hasHandler: boolean,
  ): CatalogFunction {
    const ts = this.ts;
    const doc = this.readDoc(file, docHost);
    const params: Param[] = [];
    for (const p of fn.parameters) {
      if (!ts.isIdentifier(p.name)) {
        this.report(
          file,
          p,
          `a destructured parameter of \`${name}\` (\`${p.name.getText(file.sf)}\`) cannot be a catalog parameter`,
          "take each value as its own named parameter",
        );
        continue;
      }
      const pname = p.name.text;
      if (p.dotDotDotToken !== undefined) {
        this.report(
          file,
          p,
          `rest parameter \`...${pname}\` of \`${name}\` cannot be a catalog parameter`,
          "take a list instead: `" + pname + ": string[]`",
        );
        continue;
      }
      const where = `parameter \`${pname}\` of \`${name}\``;
      const paramType = p.type;
      const type = this.guard<Type>({ kind: "any" }, () =>
        paramType !== undefined
          ? this.typeOf(paramType, file, { where, outer: paramType.getText(file.sf) })
          : this.inferFromInitializer(file, p.initializer, where, p),
      );
      const pdoc = doc.params.get(pname);
      params.push({
        name: pname,
        type,
        optional: p.questionToken !== undefined || p.initializer !== undefined,
        ...(pdoc === undefined ? {} : { doc: pdoc }),
      });
    }
    let returns: Type = { kind: "any" };
    if (fn.type === undefined) {
      // At the `)` the result type goes after, so that the parameters' problems come first.
      const close = fn.getChildren(file.sf).find((c) => c.kind === ts.SyntaxKind.CloseParenToken);
      this.report(
        file,
        close ?? nameNode,
        `function \`${name}\` has no return type`,
        "declare the result type, e.g. `: Promise<string[]>`",
      );
    } else {
      const written = fn.type;
      let retNode: ts.TypeNode = written;
      if (
        ts.isTypeReferenceNode(retNode) &&
        ts.isIdentifier(retNode.typeName) &&
        retNode.typeName.text === "Promise" &&
        retNode.typeArguments?.length === 1 &&
        !file.types.has("Promise")
      ) {
        retNode = retNode.typeArguments[0] ?? retNode;
      }
      const node = retNode;
      returns = this.guard<Type>(returns, () =>
        this.typeOf(node, file, { where: `the result of \`${name}\``, outer: written.getText(file.sf) }),
      );
    }

    let effect: string | undefined;
    let irreversible = false;
    let cost = 1;
    const counts = this.readCounts(file, doc, returns, `the result of \`${name}\``);
    for (const tag of doc.tags) {
      switch (tag.name) {
        case "effect": {
          const cls = tag.value;
          if (cls === "" || !isEffectClass(cls)) {
            this.tagProblem(
              file,
              tag,
              cls === "" ? "`@effect` needs a class name" : `\`@effect\` takes one class name, got \`${cls}\``,
              "write the kind of change, e.g. `@effect email` or `@effect payment`",
            );
            break;
          }
          effect = cls;
          break;
        }
        case "irreversible":
          irreversible = true;
          break;
        case "cost": {
          if (!/^\d+(\.\d+)?$/.test(tag.value)) {
            this.tagProblem(file, tag, `\`@cost\` needs a number ≥ 0, got \`${tag.value}\``, "e.g. `@cost 5`");
            break;
          }
          cost = Number(tag.value);
          break;
        }
        default:
          break;
      }
    }
    return {
      name,
      params,
      returns,
      effect: effect ?? (irreversible ? DEFAULT_EFFECT_CLASS : undefined),
      irreversible,
      maxItems: counts.maxItems,
      minItems: counts.minItems,
      cost,
      doc: doc.text,
      hasHandler,
      location: { file: file.path, line: this.line(file, nameNode) },
    };
  }

  private readInput(
    file: SourceInfo,
    name: string,
    decl: ts.VariableDeclaration,
    statement: ts.VariableStatement,
  ): CatalogInput {
    const doc = this.readDoc(file, statement);
    const where = `input \`${name}\``;
    const declared = decl.type;
    const type = this.guard<Type>({ kind: "any" }, () =>
      declared !== undefined
        ? this.typeOf(declared, file, { where, outer: declared.getText(file.sf) })
        : this.inferFromInitializer(file, decl.initializer, where, decl),
    );
    for (const tag of doc.tags) {
      if (tag.name === "effect" || tag.name === "irreversible" || tag.name === "cost") {
        this.tagProblem(
          file,
          tag,
          `\`@${tag.name}\` applies to functions, not to input \`${name}\``,
          "inputs take `@maxItems` and `@minItems`",
        );
      }
    }
    const counts = this.readCounts(file, doc, type, where);
    return {
      name,
      type,
      maxItems: counts.maxItems,
      minItems: counts.minItems,
      doc: doc.text,
      location: { file: file.path, line: this.line(file, decl.name) },
    };
  }

  /** `@maxItems` / `@minItems`, checked against each other and the collection they bound; a bad one is reported and left out. */
  private readCounts(
    file: SourceInfo,
    doc: Doc,
    type: Type,
    where: string,
  ): { maxItems: number | undefined; minItems: number | undefined } {
    let maxItems: number | undefined;
    let minItems: number | undefined;
    let last: Tag | undefined;
    for (const tag of doc.tags) {
      if (tag.name !== "maxItems" && tag.name !== "minItems") continue;
      if (!/^\d+$/.test(tag.value)) {
        this.tagProblem(
          file,
          tag,
          `\`@${tag.name}\` needs a whole number ≥ 0, got \`${tag.value}\``,
          `e.g. \`@${tag.name} 20\``,
        );
        continue;
      }
      if (!canHaveItems(type)) {
        this.tagProblem(
          file,
          tag,
          `\`@${tag.name}\` bounds a collection, but ${where} is not a list or dict`,
          "put `@maxItems` on a function returning a list (or dict) or on a list input",
        );
        continue;
      }
      if (tag.name === "maxItems") maxItems = Number(tag.value);
      else minItems = Number(tag.value);
      last = tag;
    }
    if (last !== undefined && maxItems !== undefined && minItems !== undefined && minItems > maxItems) {
      this.tagProblem(
        file,
        last,
        `\`@minItems ${minItems}\` is above \`@maxItems ${maxItems}\``,
        "make `@minItems` at most `@maxItems`",
      );
      return { maxItems, minItems: undefined };
    }
    return { maxItems, minItems };
  }

  /** Records a problem with a JSDoc tag, at the tag. */
  private tagProblem(file: SourceInfo, tag: Tag, message: string, help?: string): void {
    this.report(file, tag.node, message, help);
  }

  /** The last JSDoc block before `host`: its description, catalog tags and `@param` texts. */
  private readDoc(file: SourceInfo, host: ts.Node): Doc {
    const ts = this.ts;
    const target = ts.isVariableStatement(host) ? (host.declarationList.declarations[0] ?? host) : host;
    const blocks = ts.getJSDocCommentsAndTags(target).filter((d): d is ts.JSDoc => ts.isJSDoc(d));
    const block = blocks[blocks.length - 1];
    if (block === undefined) return { text: "", tags: [], params: new Map() };
    const tags: Tag[] = [];
    const params = new Map<string, string>();
    const seen = new Set<string>();
    for (const tag of block.tags ?? []) {
      const name = tag.tagName.text;
      const value = (ts.getTextOfJSDocComment(tag.comment) ?? "").trim();
      if (ts.isJSDocParameterTag(tag)) {
        params.set(tag.name.getText(file.sf), value.replace(/^-\s*/, ""));
        continue;
      }
      if ((CATALOG_TAGS as readonly string[]).includes(name)) {
        if (seen.has(name)) {
          this.tagProblem(file, { name, value, node: tag }, `\`@${name}\` is given twice`, "keep one of them");
          continue;
        }
        seen.add(name);
        tags.push({ name, value, node: tag });
      } else if (!STANDARD_TAGS.has(name)) {
        const hint = didYouMean(name, CATALOG_TAGS);
        if (hint !== "") {
          this.tagProblem(
            file,
            { name, value, node: tag },
            `unknown tag \`@${name}\`${hint.replace(/`(\w+)`\?$/, "`@$1`?")}`,
            `the catalog tags are ${CATALOG_TAGS.map((t) => `\`@${t}\``).join(", ")}`,
          );
        }
      }
    }
    return { text: (ts.getTextOfJSDocComment(block.comment) ?? "").trim(), tags, params };
  }

  private inferFromInitializer(file: SourceInfo, init: ts.Expression | undefined, where: string, node: ts.Node): Type {
    const ts = this.ts;
    const e = init === undefined ? undefined : this.unwrapExpression(init);
    if (e !== undefined) {
      if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return { kind: "string" };
      if (ts.isNumericLiteral(e)) return { kind: "number" };
      if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return { kind: "boolean" };
    }
    throw this.fail(file, node, `${where} has no type annotation`, "write its type, e.g. `users: string[]`");
  }

  // -------------------------------------------------------------------------
  // Types

  private unsupported(node: ts.Node, file: SourceInfo, site: Site, why?: string): ReaderProblem {
    const inner = node.getText(file.sf);
    const message =
      why !== undefined
        ? `${site.where} has type \`${site.outer}\`: ${why}`
        : inner === site.outer
          ? `${site.where} has type \`${inner}\`, which a catalog cannot use; ${ALLOWED}`
          : `${site.where} has type \`${site.outer}\`, and \`${inner}\` in it is a type a catalog cannot use; ${ALLOWED}`;
    return this.fail(file, node, message);
  }

  private typeOf(node: ts.TypeNode, file: SourceInfo, site: Site): Type {
    const ts = this.ts;
    const K = ts.SyntaxKind;
    if (KEYWORD_TYPES === undefined) {
      KEYWORD_TYPES = new Map([
        [K.StringKeyword, "string"],
        [K.NumberKeyword, "number"],
        [K.BooleanKeyword, "boolean"],
        [K.AnyKeyword, "any"],
        [K.UnknownKeyword, "any"],
        [K.UndefinedKeyword, "null"],
        [K.VoidKeyword, "null"],
      ]);
    }
    const keyword = KEYWORD_TYPES.get(node.kind);
    if (keyword !== undefined) return { kind: keyword };
    if (ts.isParenthesizedTypeNode(node)) return this.typeOf(node.type, file, site);
    if (ts.isLiteralTypeNode(node)) {
      const lit = node.literal;
      if (lit.kind === K.NullKeyword) return { kind: "null" };
      if (lit.kind === K.TrueKeyword) return { kind: "literal", value: true };
      if (lit.kind === K.FalseKeyword) return { kind: "literal", value: false };
      if (ts.isStringLiteral(lit) || ts.isNoSubstitutionTemplateLiteral(lit))
        return { kind: "literal", value: lit.text };
      if (ts.isNumericLiteral(lit)) return { kind: "literal", value: Number(lit.text) };
      if (ts.isPrefixUnaryExpression(lit) && lit.operator === K.MinusToken && ts.isNumericLiteral(lit.operand)) {
        return { kind: "literal", value: -Number(lit.operand.text) };
      }
      throw this.unsupported(node, file, site);
    }
    if (ts.isArrayTypeNode(node)) return { kind: "list", element: this.typeOf(node.elementType, file, site) };
    if (ts.isTypeOperatorNode(node) && node.operator === K.ReadonlyKeyword && ts.isArrayTypeNode(node.type)) {
      return { kind: "list", element: this.typeOf(node.type.elementType, file, site) };
    }
    if (ts.isUnionTypeNode(node)) {
      // Each member on its own: `Map<…> | Set<…>` is two problems.
      return unionOf(node.types.map((t) => this.guard<Type>({ kind: "any" }, () => this.typeOf(t, file, site))));
    }
    if (ts.isTypeLiteralNode(node)) return this.members(node.members, file, undefined);
    if (ts.isTypeReferenceNode(node)) {
      if (!ts.isIdentifier(node.typeName)) throw this.unsupported(node, file, site);
      const name = node.typeName.text;
      const args = node.typeArguments ?? [];
      const local = file.types.has(name) || file.imports.has(name);
      if (!local) {
        if ((name === "Array" || name === "ReadonlyArray") && args.length === 1 && args[0] !== undefined) {
          return { kind: "list", element: this.typeOf(args[0], file, site) };
        }
        if (name === "Record" && args.length === 2 && args[0] !== undefined && args[1] !== undefined) {
          if (args[0].kind !== K.StringKeyword)
            throw this.unsupported(node, file, site, "a `Record` key must be `string`");
          return { kind: "dict", value: this.typeOf(args[1], file, site) };
        }
        throw this.unsupported(node, file, site);
      }
      if (args.length > 0) {
        throw this.unsupported(node, file, site, `\`${name}\` is generic; a catalog type takes no type arguments`);
      }
      return this.named(name, file, node, site);
    }
    throw this.unsupported(node, file, site);
  }

  /** A named type: an interface or alias of `file`, or one imported into it. */
  private named(name: string, file: SourceInfo, ref: ts.Node, site: Site): Type {
    const decls = file.types.get(name);
    if (decls === undefined) {
      const imp = file.imports.get(name);
      if (imp === undefined) throw this.unsupported(ref, file, site);
      const target = this.importedFile(file, imp.specifier, imp.node);
      const exported = target.types.get(imp.imported);
      if (exported === undefined || !exported.some((d) => this.hasModifier(d, this.ts.SyntaxKind.ExportKeyword))) {
        throw this.fail(
          file,
          imp.node,
          `\`${imp.imported}\` is not an exported interface or type alias of \`${imp.specifier}\``,
          `export it from \`${imp.specifier}\`: \`export interface ${imp.imported} { … }\``,
        );
      }
      return this.named(imp.imported, target, ref, site);
    }
    const key = `${file.absolutePath}#${name}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    if (this.resolving.has(key)) {
      throw this.fail(
        file,
        ref,
        `type \`${name}\` refers to itself; a catalog type cannot be recursive`,
        "flatten the type, or use `unknown` for the recursive part",
      );
    }
    this.resolving.add(key);
    try {
      const type = this.declaredType(name, decls, file, site);
      this.memo.set(key, type);
      return type;
    } catch (err) {
      // Reported once, where it is first used; every other use reads `any`.
      if (err instanceof ReaderProblem) this.memo.set(key, UNREADABLE);
      throw err;
    } finally {
      this.resolving.delete(key);
    }
  }

  /** The type the declarations `decls` of `name` (an alias, or an interface and its merged parts) declare. */
  private declaredType(
    name: string,
    decls: readonly (ts.InterfaceDeclaration | ts.TypeAliasDeclaration)[],
    file: SourceInfo,
    site: Site,
  ): Type {
    const ts = this.ts;
    const first = decls[0];
    if (first !== undefined && ts.isTypeAliasDeclaration(first)) {
      if (first.typeParameters !== undefined) {
        throw this.unsupported(first, file, site, `\`${name}\` is generic; a catalog type takes no type parameters`);
      }
      return ts.isTypeLiteralNode(first.type)
        ? this.members(first.type.members, file, name)
        : this.typeOf(first.type, file, { where: `type \`${name}\``, outer: first.type.getText(file.sf) });
    }
    {
      const fields: Record<string, Field> = {};
      for (const d of decls) {
        if (!ts.isInterfaceDeclaration(d)) continue;
        if (d.typeParameters !== undefined) {
          throw this.unsupported(d.name, file, site, `\`${name}\` is generic; a catalog type takes no type parameters`);
        }
        for (const clause of d.heritageClauses ?? []) {
          for (const base of clause.types) {
            const baseSite = { where: `interface \`${name}\``, outer: base.getText(file.sf) };
            if (!ts.isIdentifier(base.expression) || base.typeArguments !== undefined) {
              this.problems.push(this.unsupported(base, file, baseSite).problem);
              continue;
            }
            const baseName = base.expression.text;
            // A base that cannot be read is reported (once) and adds no fields.
            const baseType = this.guard<Type | undefined>(undefined, () => this.named(baseName, file, base, baseSite));
            if (baseType === undefined) continue;
            if (baseType.kind !== "record") {
              if (baseType !== UNREADABLE) {
                this.problems.push(
                  this.unsupported(base, file, baseSite, `\`${baseName}\` is not an object type`).problem,
                );
              }
              continue;
            }
            Object.assign(fields, baseType.fields);
          }
        }
        const own = this.members(d.members, file, name);
        if (own.kind === "dict") {
          if (decls.length > 1 || d.heritageClauses !== undefined) {
            throw this.unsupported(d.name, file, site, `\`${name}\` mixes an index signature with other members`);
          }
          return own;
        }
        if (own.kind === "record") Object.assign(fields, own.fields);
      }
      return { kind: "record", name, fields };
    }
  }

  /** The members of an interface or type literal: a record, or a dict for a lone `[key: string]: T`. */
  private members(members: ts.NodeArray<ts.TypeElement>, file: SourceInfo, name: string | undefined): Type {
    const ts = this.ts;
    const ownerName = name === undefined ? "the object type" : `\`${name}\``;
    const index = members.find((m) => ts.isIndexSignatureDeclaration(m));
    if (index !== undefined) {
      const param = index.parameters[0];
      const site = { where: `the index signature of ${ownerName}`, outer: index.getText(file.sf) };
      if (members.length > 1) {
        throw this.unsupported(index, file, site, "an index signature cannot be mixed with other members");
      }
      if (param?.type?.kind !== ts.SyntaxKind.StringKeyword) {
        throw this.unsupported(index, file, site, "an index signature key must be `string`");
      }
      return {
        kind: "dict",
        value: this.typeOf(index.type, file, { where: site.where, outer: index.type.getText(file.sf) }),
      };
    }
    const fields: Record<string, Field> = {};
    for (const m of members) {
      if (!ts.isPropertySignature(m) || m.name === undefined) {
        this.report(
          file,
          m,
          `${ownerName} has member \`${m.getText(file.sf)}\`, which a catalog cannot use`,
          "only properties are read (no methods, call or construct signatures)",
        );
        continue;
      }
      const fname =
        ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) || ts.isNumericLiteral(m.name)
          ? m.name.text
          : m.name.getText(file.sf);
      const where = `field \`${fname}\` of ${ownerName}`;
      const fieldType = m.type;
      if (fieldType === undefined) this.report(file, m, `${where} has no type`, "write its type");
      fields[fname] = {
        // Each field on its own: a field that cannot be read is reported and reads as `any`.
        type:
          fieldType === undefined
            ? { kind: "any" }
            : this.guard<Type>({ kind: "any" }, () =>
                this.typeOf(fieldType, file, { where, outer: fieldType.getText(file.sf) }),
              ),
        optional: m.questionToken !== undefined,
      };
    }
    return name === undefined ? { kind: "record", fields } : { kind: "record", name, fields };
  }
}
