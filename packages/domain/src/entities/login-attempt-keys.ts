import { canonicalUsername } from "./user.ts";

/**
 * What failed logins are counted against: the username, in the one form look-ups compare
 * (so "ALICE" and "alice" share a count), and the client's address. IPv6 clients are
 * counted by their /64, the block one subscriber is usually given, so that an attacker
 * cannot get a fresh count for each of the addresses they hold.
 */
export function loginAttemptKeys(username: string, clientAddress: string): string[] {
  return [`username:${canonicalUsername(username)}`, `address:${clientAddressGroup(clientAddress)}`];
}

/** An IPv4 address as it is; an IPv6 address as its /64 (an IPv4-mapped one as the IPv4 address). */
export function clientAddressGroup(address: string): string {
  if (!address.includes(":")) return address;
  const groups = ipv6Groups(address.replace(/%.*$/, ""));
  if (groups === null) return address;
  const isIpv4Mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (isIpv4Mapped) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(":")}::/64`;
}

const HEX_GROUP = /^[0-9a-f]{1,4}$/i;
const IPV4_TAIL = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The eight 16-bit groups of an IPv6 address in text form, or `null` when it is not one. */
function ipv6Groups(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (half: string | undefined): number[] | null => {
    if (half === undefined || half === "") return [];
    const groups: number[] = [];
    const parts = half.split(":");
    for (const [index, part] of parts.entries()) {
      const ipv4 = index === parts.length - 1 ? IPV4_TAIL.exec(part) : null;
      if (ipv4) {
        const octets = ipv4.slice(1).map(Number);
        if (octets.some((octet) => octet > 255)) return null;
        const [a = 0, b = 0, c = 0, d = 0] = octets;
        groups.push((a << 8) | b, (c << 8) | d);
      } else if (HEX_GROUP.test(part)) groups.push(Number.parseInt(part, 16));
      else return null;
    }
    return groups;
  };
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : null;
}
