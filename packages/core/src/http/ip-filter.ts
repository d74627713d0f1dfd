import { forbidden } from "../problem.js";
import { fail, pass } from "../verdict.js";
import type { BaseContext } from "./boundary.js";
import { cidrMatcher } from "./cidr.js";
import type { Guard } from "./guard.js";
import { parseHostAddress } from "./ip-address.js";

/** Options for `ipFilter`. */
export interface IpFilterOptions<Name extends string = "ipFilter"> {
  /**
   * Only these addresses and ranges may pass (CIDRs, single addresses, `loopback`, `linklocal`, `uniquelocal`).
   * With an allow list, an unknown client address is refused.
   */
  allow?: readonly string[];
  /** These addresses and ranges are refused, even when the allow list also holds them. */
  deny?: readonly string[];
  /** The guard's name in the boundary context. Default `"ipFilter"`; set it to use two filters. */
  name?: Name;
}

const refusal = () => fail(forbidden({ detail: "Requests from this network address are not allowed." }));

/**
 * A guard over CIDR lists (IPv4 and IPv6) on the client's full address (`context.ip`, from `clientIp` with
 * the boundary's `trustProxy`): for partners that publish the ranges their webhooks come from. A deny match
 * wins over an allow match; with an allow list, anything not in it (and an unknown address) is refused with a
 * 403 and an `ip_denied` event. The lists are checked when the guard is built: a bad entry throws a
 * `TypeError` naming it. The context gets the address that passed.
 *
 * @example
 * const protect = boundary({ trustProxy: 1 }).use(
 *   ipFilter({ allow: ["192.0.2.0/24", "2001:db8:1234::/48"] }),
 * );
 */
export function ipFilter<Name extends string = "ipFilter">(
  options: IpFilterOptions<Name>,
): Guard<Name, string | undefined, BaseContext> {
  const { allow, deny } = options ?? {};
  if (allow === undefined && deny === undefined) {
    throw new TypeError("ipFilter: give an `allow` list, a `deny` list, or both.");
  }
  const allowed = allow === undefined ? undefined : cidrMatcher(allow, "ipFilter({ allow })");
  const denied = deny === undefined ? undefined : cidrMatcher(deny, "ipFilter({ deny })");
  const name = (options.name ?? "ipFilter") as Name;
  return {
    name,
    check({ context, emit }) {
      const ip = context.ip;
      const address = ip === undefined ? undefined : parseHostAddress(ip);
      if (address !== undefined && denied?.(address)) {
        emit({ type: "ip_denied", ip: ip as string, rule: "deny" });
        return refusal();
      }
      if (allowed !== undefined && (address === undefined || !allowed(address))) {
        emit({ type: "ip_denied", ip: ip ?? "unknown", rule: "allow" });
        return refusal();
      }
      return pass(ip);
    },
  };
}
