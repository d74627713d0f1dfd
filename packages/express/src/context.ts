import type { BaseContext, Boundary, Replied } from "@goggles/core";

/**
 * The context a boundary proves, from its type.
 *
 * @example
 * type ApiContext = ContextOf<typeof protect>; // { ip; limit; key; body }
 */
export type ContextOf<B> = B extends Boundary<infer Ctx, Replied> ? Ctx : never;

/**
 * Register your boundary's context to type `req.goggles` everywhere (one declaration per app):
 *
 * @example
 * declare module "@goggles/express" {
 *   interface Register { context: ContextOf<typeof protect> }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the application through declaration merging.
export interface Register {}

/** What `req.goggles` holds: the registered context, or a loosely typed one until you register yours. */
export type GogglesContext = Register extends { context: infer Ctx }
  ? Ctx
  : // biome-ignore lint/suspicious/noExplicitAny: with `unknown` members the cast `req.goggles as ContextOf<typeof protect>` fails (TS2352: an index signature is not comparable to required members); `any` keeps that documented cast compiling.
    BaseContext & { readonly [guard: string]: any };

declare global {
  namespace Express {
    interface Request {
      /** What the goggles boundary proved about this request (set by the `goggles()` middleware). */
      goggles: GogglesContext;
    }
  }
}
