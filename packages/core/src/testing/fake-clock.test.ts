import { describe, expect, it } from "vitest";
import { FakeClock } from "./fake-clock.js";

describe("FakeClock", () => {
  it("resolves sleepers in time order as time advances", async () => {
    const clock = new FakeClock(1000);
    const order: number[] = [];
    void clock.sleep(30).then(() => order.push(30));
    void clock.sleep(10).then(() => order.push(10));
    void clock.sleep(20).then(() => order.push(20));
    await clock.advance(15);
    expect(order).toEqual([10]);
    expect(clock.now()).toBe(1015);
    await clock.advance(100);
    expect(order).toEqual([10, 20, 30]);
    expect(clock.pending).toBe(0);
  });

  it("completes a chain of sleeps started by released work within one advance", async () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const chain = (async () => {
      for (const delay of [100, 200, 400]) {
        await clock.sleep(delay);
        seen.push(clock.now());
      }
    })();
    await clock.advance(700);
    await chain;
    expect(seen).toEqual([100, 300, 700]);
  });

  it("does not wake a sleep that falls due after the target", async () => {
    const clock = new FakeClock();
    let done = false;
    void clock.sleep(101).then(() => {
      done = true;
    });
    await clock.advance(100);
    expect(done).toBe(false);
    await clock.advance(1);
    expect(done).toBe(true);
  });

  it("rejects with the signal's reason on abort and forgets the sleeper", async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const slept = clock.sleep(1000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(slept).rejects.toThrow("stop");
    expect(clock.pending).toBe(0);
    await expect(clock.sleep(1, controller.signal)).rejects.toThrow("stop");
  });

  it("refuses to go back through advance", async () => {
    await expect(new FakeClock().advance(-1)).rejects.toThrow(RangeError);
  });
});
