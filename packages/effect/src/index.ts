// @goggles/effect: the public API at a glance. Named re-exports only.

// ── Time ───────────────────────────────────────────────────────────────────────────────────────
export { coreClock, fromEffectClock, GogglesClock } from "./clock/core-clock.js";
