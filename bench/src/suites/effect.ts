import { circuitBreaker as coreBreaker, timeout as coreTimeout, wrap as coreWrap } from "@goggles/core";
import { Goggles } from "@goggles/effect";
import { Effect } from "effect";
import { defineSuite } from "../suite.js";

// Made once, on the live clock, as a program would at start-up.
const { breaker, stack, limiter } = Effect.runSync(
  Effect.gen(function* () {
    return {
      breaker: yield* Goggles.circuitBreaker({ name: "bench" }),
      stack: yield* Goggles.wrap(Goggles.circuitBreaker({ name: "bench-stack" }), Goggles.timeout(10_000)),
      limiter: yield* Goggles.limiter({ capacity: 1e9, refillPerSecond: 1e9 }),
    };
  }),
);
const plainBreaker = coreBreaker({ name: "bench-core" });
const plainStack = coreWrap(coreBreaker({ name: "bench-core-stack" }), coreTimeout(10_000));
const work = Effect.succeed(1);
const promised = () => Promise.resolve(1);

export default defineSuite({
  name: "effect",
  description:
    "Cost of the Effect bridge: a call through a goggles breaker (and breaker + timeout) as an Effect, against the same Effect without it and against core's own policies.",
  cases: [
    { name: "Effect.runPromise(work), no policy", fn: () => Effect.runPromise(work), peer: "effect" },
    { name: "Effect.runPromise(work.pipe(breaker))", fn: () => Effect.runPromise(work.pipe(breaker)) },
    {
      name: "Effect.runPromise(work.pipe(wrap(breaker, timeout)))",
      fn: () => Effect.runPromise(work.pipe(stack)),
    },
    { name: "Effect.runPromise(limiter.consume(key))", fn: () => Effect.runPromise(limiter.consume("k")) },
    { name: "core breaker.execute(async fn)", fn: () => plainBreaker.execute(promised), peer: "core" },
    {
      name: "core wrap(breaker, timeout).execute(async fn)",
      fn: () => plainStack.execute(promised),
      peer: "core",
    },
  ],
  ratios: [],
  notes: [
    "The bridge runs each attempt in one child fiber (so a policy's AbortSignal can interrupt it); a wrap costs one fiber per attempt for the whole stack.",
  ],
});
