// Published test vectors of each provider, and the behaviours the peers get wrong.
import { describe, expect, it } from "vitest";
import { FakeClock } from "../testing/fake-clock.js";
import { github } from "./providers/github.js";
import { hmac } from "./providers/hmac.js";
import { shopify } from "./providers/shopify.js";
import { slack } from "./providers/slack.js";
import { standardWebhooks } from "./providers/standard-webhooks.js";
import { stripe } from "./providers/stripe.js";
import { twilio } from "./providers/twilio.js";
import { verifyWebhook } from "./verify.js";

const at = (seconds: number) => new FakeClock(seconds * 1000);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe("GitHub (docs: Validating webhook deliveries)", () => {
  const provider = github({ secret: "It's a Secret to Everybody" });
  const headers = {
    "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
  };

  it("accepts the documented signature, as a string or bytes, with any header case", async () => {
    for (const body of ["Hello, World!", utf8("Hello, World!"), utf8("Hello, World!").buffer]) {
      const verdict = await verifyWebhook(provider, { body, headers });
      expect(verdict.ok).toBe(true);
      if (verdict.ok) {
        expect(verdict.value.id).toBe("72d3162e-cc78-11e3-81ab-4c9367dc0958");
        expect(verdict.value.text).toBe("Hello, World!");
      }
    }
    const upper = { "X-Hub-Signature-256": headers["x-hub-signature-256"] };
    expect((await verifyWebhook(provider, { body: "Hello, World!", headers: upper })).ok).toBe(true);
    expect((await verifyWebhook(provider, { body: "Hello, World!", headers: new Headers(upper) })).ok).toBe(
      true,
    );
  });

  it("refuses a changed body, a missing header and sloppy hex", async () => {
    const changed = await verifyWebhook(provider, { body: "Hello, World?", headers });
    expect(changed).toMatchObject({ ok: false, reason: "no_matching_signature", problem: { status: 401 } });
    const missing = await verifyWebhook(provider, { body: "Hello, World!", headers: {} });
    expect(missing).toMatchObject({ ok: false, reason: "missing_header", problem: { status: 401 } });
    for (const bad of [
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1", // one digit short
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17zz",
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043eXY",
      "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    ]) {
      const verdict = await verifyWebhook(provider, {
        body: "Hello, World!",
        headers: { "x-hub-signature-256": bad },
      });
      expect(verdict).toMatchObject({ ok: false, reason: "malformed_header", problem: { status: 400 } });
    }
  });

  it("accepts any secret of a rotation", async () => {
    const rotated = github({ secret: ["the new one", "It's a Secret to Everybody"] });
    expect((await verifyWebhook(rotated, { body: "Hello, World!", headers })).ok).toBe(true);
  });

  it("never echoes the secret or the expected signature in the problem", async () => {
    const verdict = await verifyWebhook(provider, {
      body: "Hello, World!",
      headers: { "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
    });
    const text = JSON.stringify(verdict);
    expect(text).not.toContain("Secret to Everybody");
    expect(text).not.toContain("757107ea");
    expect(text).not.toContain("0".repeat(64));
  });
});

describe("Standard Webhooks (library test vectors)", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = '{"test": 2432232314}';
  const headers = {
    "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "webhook-timestamp": "1614265330",
    "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
  };
  const clock = at(1614265330);

  it("accepts the signed vector, with or without the whsec_ prefix, and svix-* headers", async () => {
    for (const s of [secret, secret.slice(6)]) {
      const verdict = await verifyWebhook(standardWebhooks({ secret: s }), { body, headers, clock });
      expect(verdict.ok).toBe(true);
      if (verdict.ok) {
        expect(verdict.value.id).toBe("msg_p5jXN8AQM9LWM0D4loKWxJek");
        expect(verdict.value.timestamp).toBe(1614265330);
        expect(verdict.value.payload).toEqual({ test: 2432232314 });
      }
    }
    const svix = {
      "svix-id": headers["webhook-id"],
      "svix-timestamp": headers["webhook-timestamp"],
      "svix-signature": headers["webhook-signature"],
    };
    expect((await verifyWebhook(standardWebhooks({ secret }), { body, headers: svix, clock })).ok).toBe(true);
  });

  it("accepts a list of signatures where one matches (multi sig payload)", async () => {
    const sigs = [
      "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
      "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
      headers["webhook-signature"],
      "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
    ].join(" ");
    const verdict = await verifyWebhook(standardWebhooks({ secret }), {
      body,
      headers: { ...headers, "webhook-signature": sigs },
      clock,
    });
    expect(verdict.ok).toBe(true);
  });

  it("refuses what the library's tests refuse", async () => {
    const provider = standardWebhooks({ secret });
    const cases: [Record<string, string>, string][] = [
      [{ ...headers, "webhook-id": "" }, "missing_header"],
      [
        { "webhook-id": headers["webhook-id"], "webhook-signature": headers["webhook-signature"] },
        "missing_header",
      ],
      [{ ...headers, "webhook-timestamp": "hello" }, "malformed_header"],
      [{ ...headers, "webhook-signature": "v1,dawfeoifkpqwoekfpqoekf" }, "malformed_header"],
      [{ ...headers, "webhook-signature": headers["webhook-signature"].slice(0, 8) }, "malformed_header"],
      [{ ...headers, "webhook-signature": "v1," }, "malformed_header"],
      // standardwebhooks itself accepts this timestamp (parseInt stops at the letters): we do not.
      [{ ...headers, "webhook-timestamp": "1614265330abc" }, "malformed_header"],
      [{ ...headers, "webhook-timestamp": "+1614265330" }, "malformed_header"],
      [{ ...headers, "webhook-timestamp": "1614265330.5" }, "malformed_header"],
    ];
    for (const [h, reason] of cases) {
      const verdict = await verifyWebhook(provider, { body, headers: h, clock });
      expect(verdict, JSON.stringify(h)).toMatchObject({ ok: false, reason });
    }
    const noHeader = await verifyWebhook(provider, { body, headers: {}, clock });
    expect(noHeader).toMatchObject({ ok: false, reason: "missing_header" });
  });

  it("refuses timestamps outside the tolerance in both directions, inclusive bound", async () => {
    const provider = standardWebhooks({ secret });
    for (const [offset, ok] of [
      [-301, false],
      [-300, true],
      [300, true],
      [301, false],
    ] as const) {
      const verdict = await verifyWebhook(provider, { body, headers, clock: at(1614265330 + offset) });
      expect(verdict.ok, `offset ${offset}`).toBe(ok);
      if (!verdict.ok)
        expect(verdict).toMatchObject({ reason: "timestamp_out_of_range", problem: { status: 401 } });
    }
    const strict = standardWebhooks({ secret, toleranceSeconds: 10 });
    expect((await verifyWebhook(strict, { body, headers, clock: at(1614265330 + 11) })).ok).toBe(false);
  });

  it("refuses a secret that is not base64 when it is configured", () => {
    expect(() => standardWebhooks({ secret: "whsec_not base64!" })).toThrow(TypeError);
    expect(() => standardWebhooks({ secret: [] })).toThrow(TypeError);
  });
});

describe("Slack (docs example)", () => {
  const provider = slack({ secret: "8f742231b10e8888abcd99yyyzzz85a5" });
  const body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  const headers = {
    "x-slack-request-timestamp": "1531420618",
    "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
  };

  it("accepts the documented request and parses its form", async () => {
    const verdict = await verifyWebhook(provider, { body, headers, clock: at(1531420618 + 12) });
    expect(verdict.ok).toBe(true);
    if (verdict.ok) {
      expect(verdict.value.form().get("command")).toBe("/webhook-collect");
      expect(verdict.value.id).toBeUndefined();
      expect(verdict.value.replayKey).toBe(
        "sig:a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
      );
    }
  });

  it("takes the Events API's event_id as the delivery id", async () => {
    const { signWebhook } = await import("./sign.js");
    const json = '{"type":"event_callback","event_id":"Ev0PV52K25","event":{"type":"app_mention"}}';
    const signed = await signWebhook(provider, { body: json, timestamp: 1531420618 });
    const verdict = await verifyWebhook(provider, { body: json, headers: signed, clock: at(1531420618) });
    expect(verdict.ok && verdict.value.id).toBe("Ev0PV52K25");
    expect(verdict.ok && verdict.value.replayKey).toBe("id:Ev0PV52K25");
  });

  it("refuses it when replayed an hour later, or dated an hour ahead", async () => {
    for (const now of [1531420618 + 3600, 1531420618 - 3600]) {
      const verdict = await verifyWebhook(provider, { body, headers, clock: at(now) });
      expect(verdict).toMatchObject({ ok: false, reason: "timestamp_out_of_range" });
    }
  });
});

describe("Shopify (shopify-api-js tests)", () => {
  it("accepts the library's vector and reads the webhook id", async () => {
    const verdict = await verifyWebhook(shopify({ secret: "test_secret_key" }), {
      body: '{"foo": "bar"}',
      headers: {
        "x-shopify-hmac-sha256": "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=",
        "x-shopify-webhook-id": "123456789",
      },
    });
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(verdict.value.id).toBe("123456789");
  });

  it("refuses an invalid HMAC and non-canonical base64", async () => {
    const provider = shopify({ secret: "test_secret_key" });
    const wrong = await verifyWebhook(provider, {
      body: '{"foo": "bar"}',
      headers: { "x-shopify-hmac-sha256": "fake" },
    });
    expect(wrong).toMatchObject({ ok: false, reason: "malformed_header" });
    const unpadded = await verifyWebhook(provider, {
      body: '{"foo": "bar"}',
      headers: { "x-shopify-hmac-sha256": "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g" },
    });
    expect(unpadded).toMatchObject({ ok: false, reason: "malformed_header" });
  });
});

describe("Twilio (docs and twilio-node / twilio-python tests)", () => {
  const provider = twilio({ secret: "12345" });
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const form = { "content-type": "application/x-www-form-urlencoded" };

  it("accepts the documented form request, parameters in any order", async () => {
    const body =
      "To=%2B18005551212&CallSid=CA1234567890ABCDE&Digits=1234&From=%2B12349013030&Caller=%2B12349013030";
    const verdict = await verifyWebhook(provider, {
      body,
      url,
      headers: { ...form, "x-twilio-signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" },
    });
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(verdict.value.form().get("From")).toBe("+12349013030");
    const tampered = await verifyWebhook(provider, {
      body: body.replace("1234&", "9999&"),
      url,
      headers: { ...form, "x-twilio-signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" },
    });
    expect(tampered).toMatchObject({ ok: false, reason: "no_matching_signature" });
    const otherUrl = await verifyWebhook(provider, {
      body,
      url: url.replace("bar=2", "bar=3"),
      headers: { ...form, "x-twilio-signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" },
    });
    expect(otherUrl).toMatchObject({ ok: false, reason: "no_matching_signature" });
  });

  it("accepts the libraries' RSOYDt4T… vector", async () => {
    const body =
      "CallSid=CA1234567890ABCDE&Digits=1234&From=%2B14158675309&To=%2B18005551212&Caller=%2B14158675309";
    const verdict = await verifyWebhook(provider, {
      body,
      url,
      headers: { ...form, "x-twilio-signature": "RSOYDt4T1cUTdK1PDd93/VVr8B8=" },
    });
    expect(verdict.ok).toBe(true);
  });

  it("checks a JSON body against bodySHA256 in the signed URL", async () => {
    const body = '{"property": "value", "boolean": true}';
    const signedUrl = `${url}&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620`;
    const headers = {
      "content-type": "application/json",
      "x-twilio-signature": "a9nBmqA0ju/hNViExpshrM61xv4=",
    };
    expect((await verifyWebhook(provider, { body, url: signedUrl, headers })).ok).toBe(true);
    const changed = await verifyWebhook(provider, { body: `${body} `, url: signedUrl, headers });
    expect(changed).toMatchObject({ ok: false, reason: "body_hash_mismatch" });
    const unsigned = await verifyWebhook(provider, { body, url, headers });
    expect(unsigned).toMatchObject({ ok: false, reason: "malformed_body" });
  });

  it("accepts the URL with or without the default port (twilio-node spec)", async () => {
    const withPort = "https://example.com:443/path?test=param";
    const without = "https://example.com/path?test=param";
    const signedWithPort = await (await import("./sign.js")).signWebhook(provider, {
      body: "",
      url: withPort,
    });
    const signedWithout = await (await import("./sign.js")).signWebhook(provider, { body: "", url: without });
    expect((await verifyWebhook(provider, { body: "", url: without, headers: signedWithPort })).ok).toBe(
      true,
    );
    expect((await verifyWebhook(provider, { body: "", url: withPort, headers: signedWithout })).ok).toBe(
      true,
    );
    const other = await verifyWebhook(provider, { body: "", url: `${without}2`, headers: signedWithout });
    expect(other.ok).toBe(false);
  });
});

describe("Stripe", () => {
  const provider = stripe({ secret: "whsec_test_secret" });
  const body = '{"id":"evt_1","object":"event"}';
  // Computed independently with node:crypto createHmac("sha256", secret).update(`${t}.${body}`).
  const signature = "0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd";

  it("accepts a header with several v1 (secret roll) and an unknown scheme, and reads the event id", async () => {
    const header = `t=1700000000,v1=${"a".repeat(64)},v1=${signature},v0=whatever`;
    const verdict = await verifyWebhook(provider, {
      body,
      headers: { "stripe-signature": header },
      clock: at(1700000000),
    });
    expect(verdict.ok).toBe(true);
    if (verdict.ok) {
      expect(verdict.value.id).toBe("evt_1");
      expect(verdict.value.replayKey).toBe("id:evt_1");
    }
  });

  it("refuses a header dated in the future (constructEvent accepts it)", async () => {
    const header = `t=1700000000,v1=${signature}`;
    const verdict = await verifyWebhook(provider, {
      body,
      headers: { "stripe-signature": header },
      clock: at(1700000000 - 3600),
    });
    expect(verdict).toMatchObject({ ok: false, reason: "timestamp_out_of_range" });
  });

  it("refuses malformed headers", async () => {
    for (const header of [
      "",
      "t=1700000000",
      `v1=${signature}`,
      `t=1700000000,t=1700000000,v1=${signature}`,
      `t=1700000000,v1=${signature.slice(2)}`,
      `t=17e8,v1=${signature}`,
      "garbage",
    ]) {
      const verdict = await verifyWebhook(provider, {
        body,
        headers: { "stripe-signature": header },
        clock: at(1700000000),
      });
      expect(verdict.ok, header).toBe(false);
    }
  });

  it("falls back to the signature as replay key when the payload has no id", async () => {
    const { signWebhook } = await import("./sign.js");
    const headers = await signWebhook(provider, { body: "not json", timestamp: 1700000000 });
    const verdict = await verifyWebhook(provider, { body: "not json", headers, clock: at(1700000000) });
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(verdict.value.replayKey.startsWith("sig:")).toBe(true);
  });
});

describe("generic hmac()", () => {
  it("verifies a prefixed base64 SHA-512 signature over timestamp.body", async () => {
    const provider = hmac({
      secret: "k",
      header: "X-Sig",
      algorithm: "SHA-512",
      encoding: "base64",
      prefix: "v=",
      timestampHeader: "X-Ts",
      idHeader: "X-Id",
    });
    const { signWebhook } = await import("./sign.js");
    const headers = await signWebhook(provider, { body: "hi", timestamp: 1000, id: "d-1" });
    expect(Object.keys(headers).sort()).toEqual(["x-id", "x-sig", "x-ts"]);
    const verdict = await verifyWebhook(provider, { body: "hi", headers, clock: at(1000) });
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(verdict.value.id).toBe("d-1");
    expect((await verifyWebhook(provider, { body: "hi", headers, clock: at(2000) })).ok).toBe(false);
  });

  it("refuses a parsed object as body: the raw body is required", () => {
    const provider = hmac({ secret: "k", header: "x-sig" });
    expect(() => verifyWebhook(provider, { body: { a: 1 } as never, headers: {} })).toThrow(/raw body/);
  });
});
