/** A rule for one string field: `normalizeText`, `sanitizeHtml`, `escapeHtml` or any `(s) => string`. */
export type StringRule = (value: string) => string;

/** Rules for a value whose type is not known statically: field names (`"tags[]"` for arrays) to rules. */
export interface LooseSanitizeRules {
  readonly [field: string]: StringRule | LooseSanitizeRules;
}

type RuleFor<V> = unknown extends V
  ? StringRule | LooseSanitizeRules
  : [NonNullable<V>] extends [string]
    ? StringRule
    : NonNullable<V> extends object
      ? SanitizeRules<NonNullable<V>>
      : never;

/**
 * Rules for an object of type `T`, checked against it: a string field takes a {@link StringRule}, an object
 * field takes nested rules, and an array field is named with `[]` (`"tags[]"`) and takes the rule for its
 * elements. Fields without a rule are copied unchanged.
 */
export type SanitizeRules<T> = unknown extends T
  ? LooseSanitizeRules
  : {
      readonly [K in keyof T & string as NonNullable<T[K]> extends readonly unknown[]
        ? `${K}[]`
        : K]?: NonNullable<T[K]> extends readonly (infer E)[] ? RuleFor<E> : RuleFor<T[K]>;
    };

function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function applyRule(value: unknown, rule: StringRule | LooseSanitizeRules, path: string): unknown {
  if (value === null || value === undefined) return value;
  if (typeof rule === "function") {
    if (typeof value === "string") return rule(value);
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return value;
    throw new TypeError(
      `sanitize: expected a string at ${path}, got ${Array.isArray(value) ? "array" : typeof value}.`,
    );
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(
      `sanitize: expected an object at ${path}, got ${Array.isArray(value) ? "array" : typeof value}.`,
    );
  }
  return walk(value as Record<string, unknown>, rule, path);
}

function walk(
  value: Record<string, unknown>,
  rules: LooseSanitizeRules,
  path: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = value[key];
    const fieldPath = path === "" ? key : `${path}.${key}`;
    const elementRule = Object.hasOwn(rules, `${key}[]`) ? rules[`${key}[]`] : undefined;
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    if (elementRule !== undefined) {
      if (field === null || field === undefined) setField(out, key, field);
      else if (!Array.isArray(field)) throw new TypeError(`sanitize: expected an array at ${fieldPath}.`);
      else
        setField(
          out,
          key,
          field.map((e, i) => applyRule(e, elementRule, `${fieldPath}[${i}]`)),
        );
    } else if (rule !== undefined) {
      setField(out, key, applyRule(field, rule, fieldPath));
    } else {
      setField(out, key, field);
    }
  }
  return out;
}

/**
 * Applies string rules to the fields of a validated object and returns a sanitized copy (the input is not
 * changed). Run it after validation, so the shape is known: a rule that meets a value of the wrong kind (an
 * object where a string rule applies) throws a `TypeError` naming the field; numbers and booleans pass.
 *
 * @example
 * const clean = sanitize(comment, {
 *   name: (s) => normalizeText(s, { singleLine: true, maxLength: 80 }),
 *   bio: sanitizeHtml,
 *   "tags[]": escapeHtml,
 *   author: { email: normalizeText },
 * });
 */
export function sanitize<T>(value: T, rules: SanitizeRules<T>): T {
  return applyRule(value, rules as LooseSanitizeRules, "") as T;
}
