/**
 * Compiles a rule condition's type-checked cel-js AST into plain JS closures, so the hot path
 * runs no AST interpreter. The result must equal cel-js 8's own evaluation for every activation,
 * errors included (a throw where cel-js throws, the same value otherwise); anything this file
 * does not reproduce exactly makes compileCondition return undefined, and the caller keeps the
 * interpreter for that condition.
 *
 * How exactness is kept:
 * - Library and helper functions are not re-implemented: a call runs the handler that cel-js's
 *   checker chose for the argument types, from an allow-list of pure, synchronous, `this`-free
 *   handlers. Arithmetic runs cel-js's own operator handler too.
 * - What is re-implemented is small and mirrors cel-js line by line: field access with its
 *   runtime type check, `&&` / `||` with their error absorption, the ternary, comparisons and
 *   equality between values whose static types the checker fixed, `in` on lists, list literals,
 *   indexing, has() and the exists / all macros.
 * - Every value a compiled subexpression returns has its static type: fields and comprehension
 *   variables are checked when read (as cel-js does), literals and handlers return their declared
 *   type. So `==` on two strings can be `===`, as cel-js's own handler is.
 *
 * Assumed, not checked per call: `event` and `session` in the activation are the CelEvent /
 * CelSession instances buildActivation makes (cel-js would reject another class); missing or
 * non-object variables still throw, as in cel-js.
 */
import { EvaluationError, type ParseResult } from '@marcbachmann/cel-js';
import type { Activation } from './cel-environment';
import { EVENT_FIELDS, SESSION_FIELDS, type FieldTable } from './rule-context-fields';

export type CompiledCondition = (act: Activation) => unknown;
type Fn = CompiledCondition;

/** The parts of cel-js's (untyped) AST nodes and type declarations this compiler reads. */
interface CelType {
  readonly name: string;
  readonly kind: string;
  readonly hasDynType: boolean;
  readonly hasPlaceholderType: boolean;
  readonly valueType?: CelType;
}
interface CelDecl {
  readonly signature: string;
  readonly handler: (...args: unknown[]) => unknown;
}
interface CelNode {
  readonly op: string;
  readonly args: unknown;
  readonly checkedType?: CelType;
  readonly meta: { readonly alternate?: CelNode; readonly macro?: unknown };
  readonly argTypes?: readonly CelType[];
  readonly candidates?: {
    findFunction(argTypes: readonly CelType[], receiverType?: CelType | null): CelDecl | null;
    findBinaryOverload(left: CelType, right: CelType): CelDecl | false;
  };
}
interface ComprehensionArgs {
  readonly kind?: string;
  readonly errorsAreFatal: boolean;
  readonly iterable: CelNode;
  readonly iterVarName: string;
  readonly init: CelNode;
  readonly step: CelNode;
}

/** Thrown inside the compiler when a construct is outside the subset; never escapes. */
class Unsupported extends Error {}

/** Run-time value checks cel-js applies to fields, list items and comprehension variables. */
const STRING = 0;
const INT = 1;
const DOUBLE = 2;
const BOOL = 3;
const LIST = 4;
type Tag = typeof STRING | typeof INT | typeof DOUBLE | typeof BOOL | typeof LIST;

/** A field of `event` (0) or `session` (1), read with its type check. */
interface FieldRef {
  readonly variable: 0 | 1;
  readonly key: string;
  readonly tag: Tag;
}

/** A compiled subexpression; `constant` when it reads nothing from the activation. */
interface Code {
  readonly fn: Fn;
  readonly constant: boolean;
  /** Set when the subexpression is a plain field read, so that parents can fuse it. */
  readonly field?: FieldRef;
}

/** A comprehension variable: its current element, set by the loop before each step. */
interface Slot {
  value: unknown;
}
type Scope = ReadonlyMap<string, Slot>;

/**
 * Library functions whose handlers are pure, synchronous and do not use `this`, so calling the
 * handler the checker picked is exactly what the interpreter does.
 */
const PURE_FUNCTIONS: ReadonlySet<string> = new Set([
  'size(list<dyn>): int',
  'size(string): int',
  'list<dyn>.size(): int',
  'string.size(): int',
  'string.startsWith(string): bool',
  'string.endsWith(string): bool',
  'string.contains(string): bool',
  'string.matches(string): bool',
  'string.lowerAscii(): string',
  'string.upperAscii(): string',
  'string.trim(): string',
  'intersects(list<string>, list<string>): bool',
  'matches_domain(string, list<string>): bool',
  'contains_any(string, list<string>): bool',
]);

/** Arithmetic run through cel-js's own handler (overflow and division checks included). */
const ARITHMETIC: Readonly<Record<string, ReadonlySet<string>>> = {
  int: new Set(['+', '-', '*', '/', '%']),
  double: new Set(['+', '-', '*', '/']),
  string: new Set(['+']),
};

const PRIMITIVES: ReadonlySet<string> = new Set(['string', 'int', 'double', 'bool']);

const VARIABLES = ['event', 'session'] as const;
const VARIABLE_FIELDS: readonly FieldTable[] = [EVENT_FIELDS, SESSION_FIELDS];

/**
 * Compile a parsed condition (`env.parse(text)`); type-checks it first (idempotent in cel-js).
 * Returns undefined when the expression does not type-check or uses anything outside the subset.
 */
export function compileCondition(parsed: ParseResult): CompiledCondition | undefined {
  if (!parsed.check().valid) return undefined;
  try {
    return compile(parsed.ast as unknown as CelNode, new Map()).fn;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

function unsupported(what: string): never {
  throw new Unsupported(what);
}

const fail = (code: string, message: string): EvaluationError => new EvaluationError({ code, message });
const NO_ACTIVATION = undefined as unknown as Activation;

/** The static type of a node, which must be free of dyn (else cel-js decides at run time). */
function staticType(node: CelNode): CelType {
  const t = node.checkedType;
  if (t === undefined || t.hasDynType) unsupported(`untyped or dyn ${node.op}`);
  return t;
}

/** The run-time check cel-js applies to a value of type `t` (registry.js valueTypeMatchers). */
function tagOf(t: CelType): Tag {
  switch (t.name) {
    case 'string':
      return STRING;
    case 'int':
      return INT;
    case 'double':
      return DOUBLE;
    case 'bool':
      return BOOL;
  }
  return t.kind === 'list' ? LIST : unsupported(`type ${t.name}`);
}

const TAG_NAMES = ['string', 'int', 'double', 'bool', 'list'] as const;

function matches(v: unknown, tag: Tag): boolean {
  switch (tag) {
    case STRING:
      return typeof v === 'string';
    case INT:
      return typeof v === 'bigint';
    case DOUBLE:
      return typeof v === 'number';
    case BOOL:
      return typeof v === 'boolean';
    default: {
      // A list is an Array or a Set; its items are checked only when iterated or indexed.
      const c = (v as { constructor?: unknown } | null | undefined)?.constructor;
      return c === Array || c === Set;
    }
  }
}

/** `event` or `session`: cel-js throws when the activation lacks it or holds a non-object. */
function objectOf(act: Activation, variable: 0 | 1): Record<string, unknown> {
  const o: unknown = variable === 0 ? act.event : act.session;
  if (typeof o === 'object' && o !== null) return o as Record<string, unknown>;
  throw fail('unknown_variable', `Unknown variable: ${VARIABLES[variable]}`);
}

/** A field read (cel-js: registry.js #getMessageField): unset or of the wrong type throws. */
function read(act: Activation, variable: 0 | 1, key: string, tag: Tag): unknown {
  const v = objectOf(act, variable)[key];
  if (matches(v, tag)) return v;
  if (v === undefined) throw fail('no_such_key', `No such key: ${key}`);
  throw fail('field_type_mismatch', `Field '${key}' is not of type '${TAG_NAMES[tag]}'`);
}

/** A constant subexpression is evaluated once, unless it throws (then it throws at run time, as in cel-js). */
function code(fn: Fn, constant: boolean): Code {
  if (!constant) return { fn, constant };
  let value: unknown;
  try {
    value = fn(NO_ACTIVATION);
  } catch {
    return { fn, constant: false };
  }
  return { fn: () => value, constant: true };
}

const valueOf = (c: Code): unknown => c.fn(NO_ACTIVATION);

function compile(node: CelNode, scope: Scope): Code {
  const alt = node.meta.alternate;
  if (alt !== undefined && node.op !== 'rcall' && node.op !== 'id') unsupported(`alternate of ${node.op}`);
  switch (node.op) {
    case 'value':
      return literal(node);
    case 'id':
      return identifier(node, scope);
    case '.':
      return fieldAccess(node, scope);
    case '[]':
      return index(node, scope);
    case '!_':
    case '-_':
      return unary(node, scope);
    case '&&':
    case '||':
      return logical(node, scope);
    case '?:':
      return ternary(node, scope);
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return comparison(node, scope);
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return arithmetic(node, scope);
    case 'in':
      return membership(node, scope);
    case 'list':
      return listLiteral(node, scope);
    case 'call':
      return call(node, scope);
    case 'rcall':
      return alt !== undefined ? comprehension(node, alt, scope) : methodCall(node, scope);
    default:
      return unsupported(node.op);
  }
}

function literal(node: CelNode): Code {
  const v = node.args;
  switch (typeof v) {
    case 'string':
    case 'bigint':
    case 'number':
    case 'boolean':
      return { fn: () => v, constant: true };
    default:
      return unsupported('literal');
  }
}

function variableIndex(name: string): 0 | 1 {
  const i = VARIABLES.indexOf(name as (typeof VARIABLES)[number]);
  return i === 0 || i === 1 ? i : unsupported(`variable ${name}`);
}

function identifier(node: CelNode, scope: Scope): Code {
  const name = node.args as string;
  const slot = scope.get(name);
  if (slot !== undefined) return { fn: () => slot.value, constant: false };
  if (node.meta.alternate !== undefined) return unsupported(`constant ${name} outside a field access`);
  const variable = variableIndex(name);
  return { fn: (act) => objectOf(act, variable), constant: false };
}

/** Field access on `event`, `session` (checked on every read) or the `lists` constant (folded). */
function fieldAccess(node: CelNode, scope: Scope): Code {
  const [left, key] = node.args as [CelNode, string];
  const tag = tagOf(staticType(node));
  if (left.op !== 'id' || scope.has(left.args as string)) return unsupported('field of an expression');
  const constant = left.meta.alternate;
  if (constant !== undefined) {
    // A registered constant (`lists`): its fields are frozen arrays, read once here.
    if (constant.op !== 'value' || constant.checkedType?.kind !== 'message') return unsupported('constant');
    const obj = constant.args as Record<string, unknown>;
    const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
    if (value === undefined || !matches(value, tag)) return unsupported(`constant field ${key}`);
    return { fn: () => value, constant: true };
  }
  const variable = variableIndex(left.args as string);
  return { fn: (act) => read(act, variable, key, tag), constant: false, field: { variable, key, tag } };
}

/** `list[int]` (cel-js: registry.js #getListField). */
function index(node: CelNode, scope: Scope): Code {
  const [l, r] = node.args as [CelNode, CelNode];
  const lt = staticType(l);
  if (lt.kind !== 'list' || staticType(r).name !== 'int' || lt.valueType === undefined) return unsupported('index');
  const tag = tagOf(lt.valueType);
  const list = compile(l, scope);
  const key = compile(r, scope);
  const L = list.fn;
  const K = key.fn;
  return code((act) => {
    const obj = L(act) as readonly unknown[] | ReadonlySet<unknown>;
    const pos = Number(K(act) as bigint);
    let value: unknown;
    if (Array.isArray(obj)) value = (obj as readonly unknown[])[pos];
    else {
      let i = 0;
      for (const item of obj as ReadonlySet<unknown>) {
        if (i++ === pos) {
          value = item;
          break;
        }
      }
    }
    if (value === undefined) throw fail('index_out_of_bounds', `No such key: index out of bounds, index ${pos}`);
    if (matches(value, tag)) return value;
    throw fail('list_item_type_mismatch', `List item with index '${pos}' is not of type '${TAG_NAMES[tag]}'`);
  }, list.constant && key.constant);
}

function unary(node: CelNode, scope: Scope): Code {
  const arg = node.args as CelNode;
  const t = staticType(arg).name;
  const a = compile(arg, scope);
  const A = a.fn;
  if (node.op === '!_' && t === 'bool') {
    const f = a.field;
    if (f !== undefined) return { fn: (act) => !read(act, f.variable, f.key, f.tag), constant: false };
    return code((act) => !(A(act) as boolean), a.constant);
  }
  if (node.op === '-_' && (t === 'int' || t === 'double')) return code((act) => -(A(act) as number), a.constant);
  return unsupported(`${node.op} on ${t}`);
}

/** Operands of a chain of the same logical operator, left to right: `a && (b && c)` is one chain. */
function flatten(node: CelNode, op: string, out: CelNode[]): CelNode[] {
  for (const arg of node.args as [CelNode, CelNode]) {
    if (arg.op === op && arg.meta.alternate === undefined) flatten(arg, op, out);
    else out.push(arg);
  }
  return out;
}

/**
 * `&&` / `||` over a whole chain. cel-js's binary operator is commutative in CEL's sense (an
 * error or non-bool on one side is absorbed when the other side decides the result, else it is
 * thrown), so a chain is: the deciding value if any operand yields it, else the first error,
 * else the other value. Operands after a deciding one are not evaluated (as in cel-js).
 * A constant deciding operand decides the chain; a constant neutral one is dropped.
 */
function logical(node: CelNode, scope: Scope): Code {
  const decide = node.op === '||'; // the value that decides the result
  const ops: Fn[] = [];
  for (const arg of flatten(node, node.op, [])) {
    if (staticType(arg).name !== 'bool') return unsupported(`${node.op} on non-bool`);
    const c = compile(arg, scope);
    if (c.constant) {
      const v = valueOf(c);
      if (v === decide) return { fn: () => decide, constant: true };
      if (v === !decide) continue;
    }
    ops.push(c.fn);
  }
  const n = ops.length;
  if (n === 0) return { fn: () => !decide, constant: true };
  if (n === 1) {
    const A = ops[0] as Fn;
    return {
      fn: (act) => {
        const v = A(act);
        if (typeof v === 'boolean') return v;
        throw operandError();
      },
      constant: false,
    };
  }
  return {
    fn: (act) => {
      let error: unknown;
      let failed = false;
      for (let i = 0; i < n; i++) {
        let v: unknown;
        try {
          v = (ops[i] as Fn)(act);
        } catch (err) {
          if (!failed) {
            failed = true;
            error = err;
          }
          continue;
        }
        if (v === decide) return decide;
        if (v !== !decide && !failed) {
          failed = true;
          error = operandError();
        }
      }
      if (failed) throw error;
      return !decide;
    },
    constant: false,
  };
}

const operandError = (): EvaluationError => fail('invalid_logical_operand', 'Logical operator requires bool operands');

function ternary(node: CelNode, scope: Scope): Code {
  const [c, l, r] = node.args as [CelNode, CelNode, CelNode];
  if (staticType(c).name !== 'bool') return unsupported('ternary condition');
  staticType(node);
  const cond = compile(c, scope);
  const left = compile(l, scope);
  const right = compile(r, scope);
  const C = cond.fn;
  const L = left.fn;
  const R = right.fn;
  return code((act) => {
    const v = C(act);
    if (v === true) return L(act);
    if (v === false) return R(act);
    throw fail('invalid_condition_type', 'Ternary condition must be bool');
  }, cond.constant && left.constant && right.constant);
}

/**
 * Equality between two values of the same primitive type, and ordering between int/double,
 * strings or bools: cel-js's handlers for these are exactly `===` and the JS relational operators
 * (which compare BigInt and number by exact value).
 */
function comparison(node: CelNode, scope: Scope): Code {
  const [l, r] = node.args as [CelNode, CelNode];
  const lt = staticType(l).name;
  const rt = staticType(r).name;
  const op = node.op;
  const numeric = (t: string): boolean => t === 'int' || t === 'double';
  const ok =
    op === '==' || op === '!='
      ? lt === rt && PRIMITIVES.has(lt)
      : (numeric(lt) && numeric(rt)) || (lt === rt && (lt === 'string' || lt === 'bool'));
  if (!ok || !node.candidates?.findBinaryOverload(l.checkedType as CelType, r.checkedType as CelType)) {
    return unsupported(`${lt} ${op} ${rt}`);
  }
  const left = compile(l, scope);
  const right = compile(r, scope);
  if (right.constant && !left.constant) return compareWithConstant(op, left, valueOf(right) as number);
  const L = left.fn;
  const R = right.fn;
  const constant = left.constant && right.constant;
  switch (op) {
    case '==':
      return code((act) => L(act) === R(act), constant);
    case '!=':
      return code((act) => L(act) !== R(act), constant);
    case '<':
      return code((act) => (L(act) as number) < (R(act) as number), constant);
    case '<=':
      return code((act) => (L(act) as number) <= (R(act) as number), constant);
    case '>':
      return code((act) => (L(act) as number) > (R(act) as number), constant);
    default:
      return code((act) => (L(act) as number) >= (R(act) as number), constant);
  }
}

/** The usual shape, `event.x == 'literal'`, as one closure (the field read fused in). */
function compareWithConstant(op: string, left: Code, k: number): Code {
  const f = left.field;
  if (f !== undefined) {
    const { variable: v, key, tag } = f;
    switch (op) {
      case '==':
        return { fn: (act) => read(act, v, key, tag) === k, constant: false };
      case '!=':
        return { fn: (act) => read(act, v, key, tag) !== k, constant: false };
      case '<':
        return { fn: (act) => (read(act, v, key, tag) as number) < k, constant: false };
      case '<=':
        return { fn: (act) => (read(act, v, key, tag) as number) <= k, constant: false };
      case '>':
        return { fn: (act) => (read(act, v, key, tag) as number) > k, constant: false };
      default:
        return { fn: (act) => (read(act, v, key, tag) as number) >= k, constant: false };
    }
  }
  const L = left.fn;
  switch (op) {
    case '==':
      return { fn: (act) => L(act) === k, constant: false };
    case '!=':
      return { fn: (act) => L(act) !== k, constant: false };
    case '<':
      return { fn: (act) => (L(act) as number) < k, constant: false };
    case '<=':
      return { fn: (act) => (L(act) as number) <= k, constant: false };
    case '>':
      return { fn: (act) => (L(act) as number) > k, constant: false };
    default:
      return { fn: (act) => (L(act) as number) >= k, constant: false };
  }
}

function arithmetic(node: CelNode, scope: Scope): Code {
  const [l, r] = node.args as [CelNode, CelNode];
  const lt = staticType(l);
  const rt = staticType(r);
  const overload = node.candidates?.findBinaryOverload(lt, rt);
  if (lt.name !== rt.name || ARITHMETIC[lt.name]?.has(node.op) !== true || !overload) {
    return unsupported(`${lt.name} ${node.op} ${rt.name}`);
  }
  const handler = overload.handler;
  const left = compile(l, scope);
  const right = compile(r, scope);
  const L = left.fn;
  const R = right.fn;
  // The handler takes the node only to locate an overflow or division error.
  return code((act) => handler(L(act), R(act), node), left.constant && right.constant);
}

/**
 * `value in list` for a primitive value (cel-js: listMembership / isEqual in overloads.js): a Set
 * is asked with has(); an Array holds the value when an element is `===` to it. (cel-js also
 * equates a BigInt with the number of the same value, but a typed list never mixes them: list
 * literals hold values of their item type, list fields are list<string>.)
 */
function membership(node: CelNode, scope: Scope): Code {
  const [l, r] = node.args as [CelNode, CelNode];
  const lt = staticType(l).name;
  const listType = r.checkedType;
  if (listType === undefined || listType.kind !== 'list' || !PRIMITIVES.has(lt)) return unsupported('in');
  const elem = listType.valueType;
  if (elem === undefined || (elem.kind !== 'param' && (elem.hasDynType || elem.name !== lt))) return unsupported('in');
  const value = compile(l, scope);
  const list = compile(r, scope);
  const V = value.fn;
  const L = list.fn;
  if (list.constant && !value.constant && lt !== 'double') {
    // A constant list (a policy list, a literal): one hash lookup, which is `===` except for NaN.
    const set = new Set(valueOf(list) as readonly unknown[]);
    const f = value.field;
    if (f !== undefined) return { fn: (act) => set.has(read(act, f.variable, f.key, f.tag)), constant: false };
    return { fn: (act) => set.has(V(act)), constant: false };
  }
  return code((act) => {
    const v = V(act);
    const items = L(act) as readonly unknown[] | ReadonlySet<unknown>;
    return Array.isArray(items) ? (items as readonly unknown[]).indexOf(v) !== -1 : (items as ReadonlySet<unknown>).has(v);
  }, value.constant && list.constant);
}

function listLiteral(node: CelNode, scope: Scope): Code {
  staticType(node);
  const items = (node.args as CelNode[]).map((a) => compile(a, scope));
  const fns = items.map((c) => c.fn);
  const n = fns.length;
  return code((act) => {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = (fns[i] as Fn)(act);
    return out;
  }, items.every((c) => c.constant));
}

function call(node: CelNode, scope: Scope): Code {
  const [name, args] = node.args as [string, CelNode[]];
  if (node.meta.macro !== undefined) return name === 'has' ? has(args, scope) : unsupported(`macro ${name}`);
  staticType(node);
  const argTypes = node.argTypes;
  if (argTypes === undefined || argTypes.some((t) => t.hasDynType || t.hasPlaceholderType)) return unsupported(`${name} with dyn`);
  const decl = node.candidates?.findFunction(argTypes);
  if (!decl || !PURE_FUNCTIONS.has(decl.signature)) return unsupported(`function ${name}`);
  return invoke(decl.handler, args.map((a) => compile(a, scope)));
}

function methodCall(node: CelNode, scope: Scope): Code {
  const [name, receiver, args] = node.args as [string, CelNode, CelNode[]];
  if (node.meta.macro !== undefined) return unsupported(`macro ${name}`);
  staticType(node);
  const rt = staticType(receiver);
  const argTypes = node.argTypes;
  if (rt.hasPlaceholderType || argTypes === undefined || argTypes.some((t) => t.hasDynType || t.hasPlaceholderType)) {
    return unsupported(`method ${name} with dyn`);
  }
  const decl = node.candidates?.findFunction(argTypes, rt);
  if (!decl || !PURE_FUNCTIONS.has(decl.signature)) return unsupported(`method ${name}`);
  const compiled = [receiver, ...args].map((a) => compile(a, scope));
  const [subject, pattern] = compiled as [Code, Code | undefined];
  if (decl.signature === 'string.matches(string): bool' && pattern?.constant === true && !subject.constant) {
    // A literal pattern is compiled once; an invalid one keeps the handler, which throws per call.
    let re: RegExp | undefined;
    try {
      re = new RegExp(valueOf(pattern) as string);
    } catch {
      re = undefined;
    }
    if (re !== undefined) {
      const regex = re;
      const S = subject.fn;
      return { fn: (act) => regex.test(S(act) as string), constant: false };
    }
  }
  return invoke(decl.handler, compiled);
}

/** Call a handler on evaluated arguments (cel-js evaluates every argument, then calls). */
function invoke(handler: (...args: unknown[]) => unknown, args: readonly Code[]): Code {
  const fns = args.map((a) => a.fn);
  const constant = args.every((a) => a.constant);
  const [A, B] = fns as [Fn, Fn];
  const f = args[0]?.field;
  switch (fns.length) {
    case 1:
      if (f !== undefined) return { fn: (act) => handler(read(act, f.variable, f.key, f.tag)), constant: false };
      return code((act) => handler(A(act)), constant);
    case 2:
      if (f !== undefined && args[1]?.constant === true) {
        const b = valueOf(args[1]);
        return { fn: (act) => handler(read(act, f.variable, f.key, f.tag), b), constant: false };
      }
      return code((act) => {
        const a = A(act);
        return handler(a, B(act));
      }, constant);
    default:
      return code((act) => handler(...fns.map((g) => g(act))), constant);
  }
}

/** has(event.f) / has(session.f): the field is set (cel-js: macros.js createHasExpander). */
function has(args: readonly CelNode[], scope: Scope): Code {
  const arg = args[0];
  if (args.length !== 1 || arg === undefined || arg.op !== '.') return unsupported('has');
  const [left, key] = arg.args as [CelNode, string];
  if (left.op !== 'id' || scope.has(left.args as string) || left.meta.alternate !== undefined) return unsupported('has');
  const variable = variableIndex(left.args as string);
  const fields = VARIABLE_FIELDS[variable] as FieldTable;
  const type = Object.hasOwn(fields, key) ? fields[key] : undefined;
  if (type === undefined) return unsupported(`has on an undeclared field ${key}`);
  const tag = type === 'list<string>' ? LIST : tagOf({ name: type, kind: type, hasDynType: false, hasPlaceholderType: false });
  return {
    fn: (act) => {
      const v = objectOf(act, variable)[key];
      if (v === undefined) return false;
      if (matches(v, tag)) return true;
      throw fail('field_type_mismatch', `Field '${key}' is not of type '${type}'`);
    },
    constant: false,
  };
}

/**
 * exists / all (cel-js: macros.js createQuantifierExpander, operators.js iterateQuantifier): the
 * loop stops as soon as the result is decided; an error in a step is remembered and thrown only
 * when no element decided the result. An element of the wrong type throws at once.
 */
function comprehension(node: CelNode, alt: CelNode, scope: Scope): Code {
  const method = (node.args as [string])[0];
  const c = alt.args as ComprehensionArgs;
  if (alt.op !== 'comprehension' || c.kind !== 'quantifier' || c.errorsAreFatal) return unsupported(`macro ${method}`);
  const exists = method === 'exists';
  if (!exists && method !== 'all') return unsupported(`macro ${method}`);
  if (c.init.op !== 'value' || c.init.args !== !exists) return unsupported(`macro ${method} shape`);
  const iterType = staticType(c.iterable);
  if (iterType.kind !== 'list' || iterType.valueType === undefined) return unsupported('comprehension range');
  const tag = tagOf(iterType.valueType);
  const iterable = compile(c.iterable, scope);
  const slot: Slot = { value: undefined };
  const step = compile(c.step, new Map([...scope, [c.iterVarName, slot]])).fn;
  const I = iterable.fn;
  const name = c.iterVarName;
  return {
    fn: (act) => {
      const coll = I(act);
      const items = Array.isArray(coll) ? (coll as readonly unknown[]) : [...(coll as ReadonlySet<unknown>)];
      // exists goes on while the result is false, all while it is true (cel-js tests truthiness).
      let accu: unknown = !exists;
      let error: unknown;
      for (let i = 0; i < items.length; i++) {
        if (exists ? accu : !accu) return accu;
        const v = items[i];
        if (!matches(v, tag)) throw fail('variable_type_mismatch', `Variable '${name}' is not of type '${TAG_NAMES[tag]}'`);
        slot.value = v;
        let r: unknown;
        try {
          r = step(act);
        } catch (err) {
          if (err instanceof Error) {
            error ??= err;
            continue;
          }
          r = err;
        }
        accu = r;
      }
      if (error !== undefined && (exists ? !accu : accu)) throw error;
      return accu;
    },
    constant: false,
  };
}
