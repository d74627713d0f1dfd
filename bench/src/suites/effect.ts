import {
  circuitBreaker as coreBreaker,
  timeout as coreTimeout,
  wrap as coreWrap,
  createLimiter,
} from "@goggles/core";
import { Goggles } from "@goggles/effect";
import { Effect, Fiber } from "effect";
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
const plainLimiter = createLimiter({ capacity: 1e9, refillPerSecond: 1e9 });
const work = Effect.succeed(1);
const promised = () => Promise.resolve(1);
// One fiber's own cost: the same work forked as a child (started at once, the cheapest fork) and joined.
const forked = Effect.flatMap(Effect.forkChild(work, { startImmediately: true }), Fiber.join);

const BARE = "Effect.runPromise(work), no policy";
const FIBER = "Effect.runPromise(fork(work) + join): bare + one fiber";
const BREAKER = "Effect.runPromise(work.pipe(breaker))";

type Call = () => Promise<unknown>;

/**
 * CPU time per awaited call (ns, every thread of the process, so GC work counts), measured in 9 rounds with
 * the cases interleaved; `derive` turns one round's numbers into the quantities reported, and each quantity's
 * median over the rounds is kept (differences taken within a round, so load drifting between rounds cancels).
 */
async function cpuRounds(
  calls: Record<string, Call>,
  derive: (ns: (name: string) => number) => Record<string, number>,
): Promise<Record<string, number>> {
  const derived: Record<string, number[]> = {};
  for (let r = 0; r < 9; r++) {
    const round: Record<string, number> = {};
    for (const [name, call] of Object.entries(calls)) {
      const n = 20_000;
      const t0 = process.cpuUsage();
      for (let i = 0; i < n; i++) await call();
      const used = process.cpuUsage(t0);
      round[name] = ((used.user + used.system) * 1e3) / n;
    }
    for (const [k, v] of Object.entries(derive((name) => round[name] as number))) {
      const xs = derived[k] ?? [];
      xs.push(v);
      derived[k] = xs;
    }
  }
  const medians: Record<string, number> = {};
  for (const [k, xs] of Object.entries(derived)) medians[k] = xs.sort((a, b) => a - b)[4] as number;
  return medians;
}

const verdict = (ratio: number): string =>
  `${ratio.toFixed(2)} (target ≤ 1: ${ratio <= 1 ? "met" : "NOT met"})`;

export default defineSuite({
  name: "effect",
  repeat: 3,
  description:
    "Cost of goggles in Effect: a call through a breaker (and breaker + timeout) and a limiter decision as Effects, against the same Effect without them, one extra fiber, and core's own policies.",
  cases: [
    { name: BARE, fn: () => Effect.runPromise(work), peer: "effect" },
    { name: FIBER, fn: () => Effect.runPromise(forked), peer: "effect" },
    { name: BREAKER, fn: () => Effect.runPromise(work.pipe(breaker)) },
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
    { name: "core limiter.consume(key)", fn: () => plainLimiter.consume("k"), peer: "core" },
  ],
  ratios: [
    {
      ours: BREAKER,
      peer: FIBER,
      min: 1,
      target:
        "breaker-in-Effect overhead over the bare Effect ≤ one fiber's own cost (fork + join, same run)",
    },
  ],
  async facts() {
    const m = await cpuRounds(
      {
        bare: () => Effect.runPromise(work),
        fiber: () => Effect.runPromise(forked),
        breaker: () => Effect.runPromise(work.pipe(breaker)),
        stack: () => Effect.runPromise(work.pipe(stack)),
        limiter: () => Effect.runPromise(limiter.consume("k")),
        asyncCall: promised,
        coreBreaker: () => plainBreaker.execute(promised),
        coreStack: () => plainStack.execute(promised),
        coreLimiter: () => plainLimiter.consume("k"),
      },
      (ns) => {
        const fiber = ns("fiber") - ns("bare");
        // What the Effect path costs beyond core's own policy, the bare Effect run (paid with or without
        // goggles) and core's bare async call taken out on each side.
        const beyondCore = (effect: string, core: string) =>
          ns(effect) - ns("bare") - (ns(core) - ns("asyncCall"));
        return {
          fiber,
          breakerOverhead: ns("breaker") - ns("bare"),
          breaker: (ns("breaker") - ns("bare")) / fiber,
          breakerBeyond: beyondCore("breaker", "coreBreaker") / fiber,
          stackBeyond: beyondCore("stack", "coreStack") / fiber,
          limiterBeyond: beyondCore("limiter", "coreLimiter") / fiber,
        };
      },
    );
    const at = (k: string) => m[k] as number;
    return {
      "one fiber's own cost (fork + join − bare Effect), CPU": `${at("fiber").toFixed(0)} ns`,
      "breaker overhead over the bare Effect, CPU": `${at("breakerOverhead").toFixed(0)} ns`,
      "breaker overhead ÷ fiber cost": verdict(at("breaker")),
      "breaker: Effect path beyond core's ÷ fiber cost": verdict(at("breakerBeyond")),
      "wrap(breaker, timeout): Effect path beyond core's ÷ fiber cost": verdict(at("stackBeyond")),
      "limiter.consume: Effect path beyond core's ÷ fiber cost": verdict(at("limiterBeyond")),
    };
  },
  notes: [
    "circuitBreaker runs the Effect inline in the caller's fiber: a synchronous admission (core's tryAcquire) and an exit finalizer, no fiber, no promise, no AbortSignal.",
    "timeout is Effect's own timeoutOrElse (a race of the work and a sleep on Effect's Clock); the core timeout it is compared with uses one timer and no fiber.",
    "limiter.consume on a MemoryStore decides inside the fiber through core's consumeNow (no promise); on an asynchronous store it bridges core's promise once.",
    "The fiber baseline forks with startImmediately: true (the cheapest child fiber); a default fork waits for the scheduler and costs several times more, which would flatter the target.",
    "The facts are CPU time (every thread, GC included), per-round ratios over 9 rounds of interleaved batches, median kept. 'Beyond core' is (Effect case − bare Effect) − (core case − bare async call); below 0, the Effect path costs less than core's beyond the bare Effect run.",
  ],
});
