/**
 * Reads a TypeScript catalog from its syntax tree alone: nothing is
 * executed, no type checker or lib file is loaded. Exported functions
 * become catalog functions, exported `const`s become inputs, and the
 * types in their signatures are mapped to catalog types by reading the
 * type nodes, resolving named types from interfaces and type aliases
 * declared in the file or imported from relative files in the catalog's
 * folder. Anything that cannot be mapped is a `UsageError` naming the file,
 * the line and the type, never a silent `any`.
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
import { UsageError } from "../errors.js";
import { didYouMean } from "../util/suggest.js";
import { DEFAULT_EFFECT_CLASS } from "./build.js";
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

  constructor(
    private readonly ts: TypeScript,
    private readonly path: string,
    private readonly readFile: ReadFile,
  ) {
    this.rootDir = dirname(resolve(path));
  }

  read(text: string): TypeScriptCatalog {
    const ts = this.ts;
    const file = this.parse(this.path, resolve(this.path), text);
    const functions: CatalogFunction[] = [];
    const inputs: CatalogInput[] = [];
    const firstLine = new Map<string, number>();
    const claim = (name: string, node: ts.Node): void => {
      const line = this.line(file, node);
      const problem = catalogNameProblem(name);
      if (problem !== undefined) {
        throw new UsageError(
          `catalog name \`${name}\` ${problem}`,
          file.path,
          line,
          "name catalog functions and inputs with letters, digits and `_`",
        );
      }
      const first = firstLine.get(name);
      if (first !== undefined) {
        throw new UsageError(
          `\`${name}\` is declared more than once in the catalog (first at line ${first})`,
          file.path,
          line,
          "give every catalog function and input its own name",
        );
      }
      firstLine.set(name, line);
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
        throw new UsageError(
          `function \`${name}\` is overloaded; a catalog function has one signature`,
          file.path,
          this.line(file, second.name ?? second),
          "keep one declaration with one parameter list",
        );
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
            throw new UsageError(
              `an exported destructuring declaration (\`${decl.name.getText(file.sf)}\`) cannot be a catalog input`,
              file.path,
              this.line(file, decl),
              "declare each input on its own: `export declare const users: string[];`",
            );
          }
          addVariable(decl.name.text, decl, st);
        }
      } else if (ts.isExportDeclaration(st)) {
        if (st.isTypeOnly) continue;
        if (st.moduleSpecifier !== undefined) {
          throw new UsageError(
            `re-exports from \`${st.moduleSpecifier.getText(file.sf)}\` are not read`,
            file.path,
            this.line(file, st),
            "declare catalog functions and inputs in the catalog file itself",
          );
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
            throw new UsageError(
              `\`${local}\` is exported but is not a function or \`const\` declared in the catalog`,
              file.path,
              this.line(file, spec),
            );
          }
        }
      } else if (
        (ts.isClassDeclaration(st) || ts.isEnumDeclaration(st) || ts.isModuleDeclaration(st)) &&
        this.hasModifier(st, ts.SyntaxKind.ExportKeyword) &&
        !this.hasModifier(st, ts.SyntaxKind.DefaultKeyword)
      ) {
        const what = ts.isClassDeclaration(st) ? "a class" : ts.isEnumDeclaration(st) ? "an enum" : "a namespace";
        throw new UsageError(
          `exported \`${st.name?.getText(file.sf) ?? "?"}\` is ${what}, which a catalog cannot use`,
          file.path,
          this.line(file, st),
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
      throw new UsageError(
        `the catalog does not parse as TypeScript: ${ts.flattenDiagnosticMessageText(first.messageText, " ")}`,
        path,
        sf.getLineAndCharacterOfPosition(first.start).line + 1,
      );
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
    const fail = (why: string): UsageError =>
      new UsageError(
        `cannot read types from \`${specifier}\`: ${why}`,
        from.path,
        this.line(from, node),
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
        throw new UsageError(
          `a destructured parameter of \`${name}\` (\`${p.name.getText(file.sf)}\`) cannot be a catalog parameter`,
          file.path,
          this.line(file, p),
          "take each value as its own named parameter",
        );
      }
      const pname = p.name.text;
      if (p.dotDotDotToken !== undefined) {
        throw new UsageError(
          `rest parameter \`...${pname}\` of \`${name}\` cannot be a catalog parameter`,
          file.path,
          this.line(file, p),
          "take a list instead: `" + pname + ": string[]`",
        );
      }
      const where = `parameter \`${pname}\` of \`${name}\``;
      const type =
        p.type !== undefined
          ? this.typeOf(p.type, file, { where, outer: p.type.getText(file.sf) })
          : this.inferFromInitializer(file, p.initializer, where, p);
      const pdoc = doc.params.get(pname);
      params.push({
        name: pname,
        type,
        optional: p.questionToken !== undefined || p.initializer !== undefined,
        ...(pdoc === undefined ? {} : { doc: pdoc }),
      });
    }
    if (fn.type === undefined) {
      throw new UsageError(
        `function \`${name}\` has no return type`,
        file.path,
        this.line(file, nameNode),
        "declare the result type, e.g. `: Promise<string[]>`",
      );
    }
    let retNode: ts.TypeNode = fn.type;
    if (
      ts.isTypeReferenceNode(retNode) &&
      ts.isIdentifier(retNode.typeName) &&
      retNode.typeName.text === "Promise" &&
      retNode.typeArguments?.length === 1 &&
      !file.types.has("Promise")
    ) {
      retNode = retNode.typeArguments[0] ?? retNode;
    }
    const returns = this.typeOf(retNode, file, { where: `the result of \`${name}\``, outer: fn.type.getText(file.sf) });

    let effect: string | undefined;
    let irreversible = false;
    let cost = 1;
    const counts = this.readCounts(file, doc, returns, `the result of \`${name}\``);
    for (const tag of doc.tags) {
      switch (tag.name) {
        case "effect": {
          const cls = tag.value;
          if (cls === "" || !isEffectClass(cls)) {
            throw this.tagError(
              file,
              tag,
              cls === "" ? "`@effect` needs a class name" : `\`@effect\` takes one class name, got \`${cls}\``,
              "write the kind of change, e.g. `@effect email` or `@effect payment`",
            );
          }
          effect = cls;
          break;
        }
        case "irreversible":
          irreversible = true;
          break;
        case "cost": {
          if (!/^\d+(\.\d+)?$/.test(tag.value)) {
            throw this.tagError(file, tag, `\`@cost\` needs a number ≥ 0, got \`${tag.value}\``, "e.g. `@cost 5`");
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
    const type =
      decl.type !== undefined
        ? this.typeOf(decl.type, file, { where, outer: decl.type.getText(file.sf) })
        : this.inferFromInitializer(file, decl.initializer, where, decl);
    for (const tag of doc.tags) {
      if (tag.name === "effect" || tag.name === "irreversible" || tag.name === "cost") {
        throw this.tagError(
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

  /** `@maxItems` / `@minItems`, checked against each other and the collection they bound. */
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
        throw this.tagError(
          file,
          tag,
          `\`@${tag.name}\` needs a whole number ≥ 0, got \`${tag.value}\``,
          `e.g. \`@${tag.name} 20\``,
        );
      }
      if (!canHaveItems(type)) {
        throw this.tagError(
          file,
          tag,
          `\`@${tag.name}\` bounds a collection, but ${where} is not a list or dict`,
          "put `@maxItems` on a function returning a list (or dict) or on a list input",
        );
      }
      if (tag.name === "maxItems") maxItems = Number(tag.value);
      else minItems = Number(tag.value);
      last = tag;
    }
    if (last !== undefined && maxItems !== undefined && minItems !== undefined && minItems > maxItems) {
      throw this.tagError(file, last, `\`@minItems ${minItems}\` is above \`@maxItems ${maxItems}\``);
    }
    return { maxItems, minItems };
  }

  private tagError(file: SourceInfo, tag: Tag, message: string, help?: string): UsageError {
    return new UsageError(message, file.path, this.line(file, tag.node), help);
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
        if (seen.has(name)) throw this.tagError(file, { name, value, node: tag }, `\`@${name}\` is given twice`);
        seen.add(name);
        tags.push({ name, value, node: tag });
      } else if (!STANDARD_TAGS.has(name)) {
        const hint = didYouMean(name, CATALOG_TAGS);
        if (hint !== "") {
          throw this.tagError(
            file,
            { name, value, node: tag },
            `unknown tag \`@${name}\`${hint.replace(/`(\w+)`\?$/, "`@$1`?")}`,
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
    throw new UsageError(
      `${where} has no type annotation`,
      file.path,
      this.line(file, node),
      "write its type, e.g. `users: string[]`",
    );
  }

  // -------------------------------------------------------------------------
  // Types

  private unsupported(node: ts.Node, file: SourceInfo, site: Site, why?: string): UsageError {
    const inner = node.getText(file.sf);
    const message =
      why !== undefined
        ? `${site.where} has type \`${site.outer}\`: ${why}`
        : inner === site.outer
          ? `${site.where} has type \`${inner}\`, which a catalog cannot use; ${ALLOWED}`
          : `${site.where} has type \`${site.outer}\`, and \`${inner}\` in it is a type a catalog cannot use; ${ALLOWED}`;
    return new UsageError(message, file.path, this.line(file, node));
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
    if (ts.isUnionTypeNode(node)) return unionOf(node.types.map((t) => this.typeOf(t, file, site)));
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
        throw new UsageError(
          `\`${imp.imported}\` is not an exported interface or type alias of \`${imp.specifier}\``,
          file.path,
          this.line(file, imp.node),
        );
      }
      return this.named(imp.imported, target, ref, site);
    }
    const key = `${file.absolutePath}#${name}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    if (this.resolving.has(key)) {
      throw new UsageError(
        `type \`${name}\` refers to itself; a catalog type cannot be recursive`,
        file.path,
        this.line(file, ref),
        "flatten the type, or use `unknown` for the recursive part",
      );
    }
    this.resolving.add(key);
    const ts = this.ts;
    let type: Type;
    const first = decls[0];
    if (first !== undefined && ts.isTypeAliasDeclaration(first)) {
      if (first.typeParameters !== undefined) {
        throw this.unsupported(first, file, site, `\`${name}\` is generic; a catalog type takes no type parameters`);
      }
      type = ts.isTypeLiteralNode(first.type)
        ? this.members(first.type.members, file, name)
        : this.typeOf(first.type, file, { where: `type \`${name}\``, outer: first.type.getText(file.sf) });
    } else {
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
              throw this.unsupported(base, file, baseSite);
            }
            const baseType = this.named(base.expression.text, file, base, baseSite);
            if (baseType.kind !== "record") {
              throw this.unsupported(base, file, baseSite, `\`${base.expression.text}\` is not an object type`);
            }
            Object.assign(fields, baseType.fields);
          }
        }
        const own = this.members(d.members, file, name);
        if (own.kind === "dict") {
          if (decls.length > 1 || d.heritageClauses !== undefined) {
            throw this.unsupported(d.name, file, site, `\`${name}\` mixes an index signature with other members`);
          }
          type = own;
          this.memo.set(key, type);
          this.resolving.delete(key);
          return type;
        }
        if (own.kind === "record") Object.assign(fields, own.fields);
      }
      type = { kind: "record", name, fields };
    }
    this.resolving.delete(key);
    this.memo.set(key, type);
    return type;
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
        throw new UsageError(
          `${ownerName} has member \`${m.getText(file.sf)}\`, which a catalog cannot use`,
          file.path,
          this.line(file, m),
          "only properties are read (no methods, call or construct signatures)",
        );
      }
      const fname =
        ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) || ts.isNumericLiteral(m.name)
          ? m.name.text
          : m.name.getText(file.sf);
      const where = `field \`${fname}\` of ${ownerName}`;
      if (m.type === undefined) {
        throw new UsageError(`${where} has no type`, file.path, this.line(file, m), "write its type");
      }
      fields[fname] = {
        type: this.typeOf(m.type, file, { where, outer: m.type.getText(file.sf) }),
        optional: m.questionToken !== undefined,
      };
    }
    return name === undefined ? { kind: "record", fields } : { kind: "record", name, fields };
  }
}
