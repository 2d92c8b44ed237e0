import { describe, expect, it } from "vitest";
import { clientAddressGroup, loginAttemptKeys } from "../../src/index.ts";

describe("loginAttemptKeys", () => {
  it("counts a login against its canonical username and its client's address", () => {
    expect(loginAttemptKeys(" ALICE ", "192.0.2.7")).toEqual(["username:alice", "address:192.0.2.7"]);
  });

  it("gives usernames that are one user one key", () => {
    const [straße] = loginAttemptKeys("Straße", "192.0.2.7");
    const [strasse] = loginAttemptKeys("STRASSE", "192.0.2.7");
    expect(straße).toBe(strasse);
  });
});

describe("clientAddressGroup", () => {
  it("keeps an IPv4 address as it is", () => {
    expect(clientAddressGroup("203.0.113.9")).toBe("203.0.113.9");
  });

  it("groups an IPv6 address by its /64, however it is written", () => {
    const group = "2001:db8:85a3:8d3::/64";
    expect(clientAddressGroup("2001:db8:85a3:8d3:1319:8a2e:370:7348")).toBe(group);
    expect(clientAddressGroup("2001:0DB8:85A3:08D3::1")).toBe(group);
    expect(clientAddressGroup("2001:db8:85a3:8d3::ffff:1.2.3.4")).toBe(group);
    expect(clientAddressGroup("2001:db8:85a3:8d3::1%eth0")).toBe(group);
    expect(clientAddressGroup("2001:db8:85a3:8d4::1")).not.toBe(group);
  });

  it("groups the loopback and the unspecified address too", () => {
    expect(clientAddressGroup("::1")).toBe("0:0:0:0::/64");
    expect(clientAddressGroup("::")).toBe("0:0:0:0::/64");
  });

  it("counts an IPv4-mapped IPv6 address as the IPv4 address it carries", () => {
    expect(clientAddressGroup("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(clientAddressGroup("::ffff:c000:207")).toBe("192.0.2.7");
  });

  it("keeps anything it cannot read as it is", () => {
    for (const text of ["1:2:3:4:5:6:7:8:9", "1::2::3", "::ffff:1.2.3.256", "fe80::g", "1:2:3:4:5:6:7"])
      expect(clientAddressGroup(text)).toBe(text);
  });
});
