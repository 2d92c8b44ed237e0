import { type LoginAttempt, type LoginThrottle, LoginThrottled, ServiceUnavailable } from "@tasks/domain";
import { describe, expect, it } from "vitest";
import { FallbackLoginThrottle } from "../src/fallback-login-throttle.ts";
import { MemoryLoginThrottle } from "../src/memory-login-throttle.ts";
import { FixedClock } from "./fixed-clock.ts";

/** A shared store a test switches between answering, refusing (throttled) and unreachable. */
class SwitchableThrottle implements LoginThrottle {
  state: "up" | "throttled" | "down" = "up";
  givenBack = 0;
  giveBackFails = false;

  async reserve(): Promise<LoginAttempt> {
    if (this.state === "down") throw new ServiceUnavailable("login failure counts: connection closed");
    if (this.state === "throttled") throw new LoginThrottled(42);
    return {
      giveBack: async () => {
        if (this.giveBackFails) throw new ServiceUnavailable("login failure counts: connection closed");
        this.givenBack += 1;
      },
    };
  }
}

function setUp() {
  const shared = new SwitchableThrottle();
  const local = new MemoryLoginThrottle({ maxFailures: 2, windowSeconds: 60 }, new FixedClock(new Date()));
  const heard: string[] = [];
  const throttle = new FallbackLoginThrottle(shared, local, {
    unavailable: (reason) => heard.push(`unavailable: ${reason}`),
    recovered: () => heard.push("recovered"),
  });
  return { shared, throttle, heard };
}

describe("failed-login counts shared, falling back to the process", () => {
  it("uses the shared counts while they answer, and their refusal stands", async () => {
    const { shared, throttle, heard } = setUp();
    await (await throttle.reserve(["a"])).giveBack();
    expect(shared.givenBack).toBe(1);
    shared.state = "throttled";
    await expect(throttle.reserve(["a"])).rejects.toEqual(new LoginThrottled(42));
    expect(heard).toEqual([]);
  });

  it("counts in the process while the shared counts are unreachable, saying so once per outage", async () => {
    const { shared, throttle, heard } = setUp();
    shared.state = "down";
    await throttle.reserve(["b"]);
    await throttle.reserve(["b"]);
    await expect(throttle.reserve(["b"])).rejects.toBeInstanceOf(LoginThrottled);
    expect(heard).toEqual(["unavailable: login failure counts: connection closed"]);
    shared.state = "up";
    await throttle.reserve(["b"]);
    await throttle.reserve(["b"]);
    shared.state = "down";
    await expect(throttle.reserve(["b"])).rejects.toBeInstanceOf(LoginThrottled);
    expect(heard).toEqual([
      "unavailable: login failure counts: connection closed",
      "recovered",
      "unavailable: login failure counts: connection closed",
    ]);
  });

  it("lets a login go on when its attempt cannot be given back to unreachable shared counts", async () => {
    const { shared, throttle } = setUp();
    const attempt = await throttle.reserve(["c"]);
    shared.giveBackFails = true;
    await expect(attempt.giveBack()).resolves.toBeUndefined();
  });
});
