import {
  type BodyLimits,
  type Boundary,
  type BoundaryVerdict,
  earlyResponse,
  emit,
  fromRequest,
  internalError,
  problemResponse,
  type Replied,
} from "@goggles/core";

/** Options for `withBoundary`. */
export interface WithBoundaryOptions<Rest extends unknown[]> {
  /**
   * The socket address of the client, which fetch handlers learn from their runtime: Deno's
   * `info.remoteAddr.hostname`, Bun's `server.requestIP(request)?.address`, Cloudflare's
   * `request.headers.get("cf-connecting-ip")`. Default: unknown (`context.ip` is `undefined`).
   */
  getIp?: (request: Request, ...rest: Rest) => string | null | undefined;
  /** Default body limits for guards that read the body without their own. Default: core's (1 MiB, 30 s). */
  limits?: BodyLimits;
}

/** A fetch handler that also receives what the boundary proved. */
export type ProtectedHandler<Ctx, Rest extends unknown[]> = (
  request: Request,
  context: Ctx,
  ...rest: Rest
) => Response | Promise<Response>;

const BODYLESS = new Set(["GET", "HEAD"]);

/**
 * Wraps a `(Request, ...rest) => Response` handler (Hono, Cloudflare Workers, Deno.serve, Bun.serve,
 * Next.js route handlers) in a boundary. A refusal is answered with its problem, a guard's early reply (a
 * duplicate webhook's 200) as given; otherwise the handler
 * gets the typed context and a request whose body it can still read (rebuilt from the bytes a guard read),
 * the success headers are added to its response, and the guards' `after` hooks run with its status.
 *
 * @example
 * const protect = boundary().use(apiKey({ lookup })).use(json({ schema: Order }));
 * export default {
 *   fetch: withBoundary(protect, (request, { body }) => Response.json(save(body)), {
 *     getIp: (request) => request.headers.get("cf-connecting-ip"),
 *   }),
 * };
 */
export function withBoundary<Ctx extends object, Rest extends unknown[] = []>(
  protect: Boundary<Ctx, Replied>,
  handler: ProtectedHandler<Ctx, Rest>,
  options: WithBoundaryOptions<Rest> = {},
): (request: Request, ...rest: Rest) => Promise<Response> {
  const clock = protect.options.clock;
  const report = protect.options.onEvent;
  const { getIp, limits } = options;

  return async (request: Request, ...rest: Rest): Promise<Response> => {
    const boundaryRequest = fromRequest(request, {
      remoteAddress: getIp?.(request, ...rest) ?? undefined,
      ...(limits !== undefined ? { limits } : {}),
      ...(clock !== undefined ? { clock } : {}),
    });
    let verdict: BoundaryVerdict<Ctx, Replied>;
    try {
      verdict = await protect(boundaryRequest);
    } catch (error) {
      emit(report, {
        type: "guard_error",
        guard: "boundary",
        errorName: error instanceof Error ? error.name : typeof error,
      });
      return problemResponse(internalError());
    }
    if (!verdict.ok) return earlyResponse(verdict);

    let forHandler = request;
    if (boundaryRequest.bodyUsed && !BODYLESS.has(request.method)) {
      // A guard read the body: hand the handler the same request over the cached bytes. (A body a guard
      // streamed is gone; the handler then sees a used body, as it would without goggles.)
      const bytes = await boundaryRequest.body({ maxBytes: Number.POSITIVE_INFINITY }).catch(() => undefined);
      if (bytes !== undefined) forHandler = new Request(request, { body: bytes as Uint8Array<ArrayBuffer> });
    }
    let response: Response;
    try {
      response = await handler(forHandler, verdict.value, ...rest);
    } catch (error) {
      await verdict.after({ status: 500, error });
      throw error;
    }
    await verdict.after({ status: response.status });
    return verdict.headers === undefined ? response : withHeaders(response, verdict.headers);
  };
}

/** Adds the success headers (`RateLimit`…) the handler did not set itself. */
function withHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  let target = response;
  for (const name of Object.keys(headers)) {
    if (target.headers.has(name)) continue;
    try {
      target.headers.set(name, headers[name] as string);
    } catch {
      // Immutable headers (a fetched or redirect response): copy once, then set.
      target = new Response(target.body, target);
      target.headers.set(name, headers[name] as string);
    }
  }
  return target;
}
