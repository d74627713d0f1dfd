// Published HMAC test vectors (RFC 4231 for SHA-256/512, RFC 2202 for SHA-1), shared by the backend tests.
const repeat = (byte: number, n: number) => new Uint8Array(n).fill(byte);
const text = (s: string) => new TextEncoder().encode(s);
const range = (from: number, to: number) => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

export interface HmacVector {
  readonly name: string;
  readonly algorithm: "SHA-1" | "SHA-256" | "SHA-512";
  readonly key: Uint8Array;
  readonly data: Uint8Array;
  readonly hex: string;
}

export const HMAC_VECTORS: readonly HmacVector[] = [
  {
    name: "RFC 4231 case 1",
    algorithm: "SHA-256",
    key: repeat(0x0b, 20),
    data: text("Hi There"),
    hex: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
  },
  {
    name: "RFC 4231 case 2",
    algorithm: "SHA-256",
    key: text("Jefe"),
    data: text("what do ya want for nothing?"),
    hex: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  },
  {
    name: "RFC 4231 case 3",
    algorithm: "SHA-256",
    key: repeat(0xaa, 20),
    data: repeat(0xdd, 50),
    hex: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
  },
  {
    name: "RFC 4231 case 4",
    algorithm: "SHA-256",
    key: range(0x01, 0x19),
    data: repeat(0xcd, 50),
    hex: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
  },
  {
    name: "RFC 4231 case 6 (key longer than a block)",
    algorithm: "SHA-256",
    key: repeat(0xaa, 131),
    data: text("Test Using Larger Than Block-Size Key - Hash Key First"),
    hex: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
  },
  {
    name: "RFC 4231 case 7 (key and data longer than a block)",
    algorithm: "SHA-256",
    key: repeat(0xaa, 131),
    data: text(
      "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
    ),
    hex: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
  },
  {
    name: "RFC 4231 case 1, SHA-512",
    algorithm: "SHA-512",
    key: repeat(0x0b, 20),
    data: text("Hi There"),
    hex: "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
  },
  {
    name: "RFC 2202 case 1, SHA-1",
    algorithm: "SHA-1",
    key: repeat(0x0b, 20),
    data: text("Hi There"),
    hex: "b617318655057264e28bc0b6fb378c8ef146be00",
  },
];
