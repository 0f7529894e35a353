// A software WebAuthn authenticator for integration tests: one ES256 key pair (node:crypto), "none"
// attestation, assertions with a chosen counter, origin, RP ID and user-verification flag. It builds
// the same bytes a browser and a security key would (clientDataJSON, authenticatorData, CBOR, DER
// signature), so lib/webauthn.ts is exercised through @simplewebauthn/server's real verification.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { cose, isoBase64URL, isoCBOR } from "@simplewebauthn/server/helpers";

type Cbor = Parameters<typeof isoCBOR.encode>[0];
type Bytes = Uint8Array<ArrayBuffer>;

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export type CeremonyOverrides = {
  /** The origin the "browser" reports in clientDataJSON. */
  origin?: string;
  /** The RP ID whose SHA-256 goes into authenticatorData. */
  rpId?: string;
  /** User verification flag (default true). */
  uv?: boolean;
  /** User presence flag (default true). */
  up?: boolean;
  /** Signature counter to report; by default the authenticator's counter + 1 (0 at registration). */
  counter?: number;
  /** Sign a different challenge than the options carry. */
  challenge?: string;
  /** Override the user handle (base64url) of an assertion; null leaves it out. */
  userHandle?: string | null;
  /** clientDataJSON type (default webauthn.create / webauthn.get). */
  type?: string;
};

const sha256 = (data: Uint8Array | string) => new Uint8Array(createHash("sha256").update(data).digest());
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return new Uint8Array(b);
};
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return new Uint8Array(b);
};

export class SoftAuthenticator {
  readonly credentialId: string;
  readonly rawId: Bytes;
  /** The signature counter as the authenticator last reported it. */
  counter = 0;
  /** The user handle (base64url) stored at registration: what a discoverable assertion returns. */
  userHandle: string | null = null;
  private readonly privateKey: KeyObject;
  private readonly cosePublicKey: Uint8Array;

  constructor(
    readonly defaults: { origin: string; rpId: string },
    key?: { privateKey: KeyObject; rawId: Bytes },
  ) {
    if (key) {
      this.privateKey = key.privateKey;
      this.rawId = key.rawId;
    } else {
      this.privateKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
      this.rawId = new Uint8Array(randomBytes(32));
    }
    this.credentialId = isoBase64URL.fromBuffer(this.rawId);
    const jwk = this.privateKey.export({ format: "jwk" });
    const coseKey = new Map<number, Cbor>([
      [cose.COSEKEYS.kty, cose.COSEKTY.EC2],
      [cose.COSEKEYS.alg, cose.COSEALG.ES256],
      [cose.COSEKEYS.crv, cose.COSECRV.P256],
      [cose.COSEKEYS.x, isoBase64URL.toBuffer(jwk.x!)],
      [cose.COSEKEYS.y, isoBase64URL.toBuffer(jwk.y!)],
    ]);
    this.cosePublicKey = isoCBOR.encode(coseKey);
  }

  /** A second device holding the same private key and credential id (a cloned key), with its own counter. */
  clone(): SoftAuthenticator {
    const copy = new SoftAuthenticator(this.defaults, { privateKey: this.privateKey, rawId: this.rawId });
    copy.userHandle = this.userHandle;
    copy.counter = this.counter;
    return copy;
  }

  private clientData(type: string, challenge: string, origin: string): string {
    return isoBase64URL.fromUTF8String(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  private flags(o: CeremonyOverrides, extra = 0): Uint8Array {
    return new Uint8Array([(o.up === false ? 0 : FLAG_UP) | (o.uv === false ? 0 : FLAG_UV) | extra]);
  }

  /** Answers navigator.credentials.create(options) like a security key with "none" attestation. */
  register(options: PublicKeyCredentialCreationOptionsJSON, o: CeremonyOverrides = {}): RegistrationResponseJSON {
    const rpId = o.rpId ?? options.rp.id ?? this.defaults.rpId;
    const counter = o.counter ?? 0;
    this.counter = counter;
    this.userHandle = options.user.id;
    const authData = concat(
      sha256(rpId),
      this.flags(o, FLAG_AT),
      u32(counter),
      new Uint8Array(16), // AAGUID: all zero, as "none" attestation allows
      u16(this.rawId.length),
      this.rawId,
      this.cosePublicKey,
    );
    const attestationObject = isoCBOR.encode(
      new Map<string, Cbor>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: {
        clientDataJSON: this.clientData(o.type ?? "webauthn.create", o.challenge ?? options.challenge, o.origin ?? this.defaults.origin),
        attestationObject: isoBase64URL.fromBuffer(attestationObject),
        transports: ["usb"],
      },
      authenticatorAttachment: "cross-platform",
      clientExtensionResults: {},
    };
  }

  /** Answers navigator.credentials.get(options): signs authenticatorData ‖ SHA-256(clientDataJSON). */
  authenticate(options: PublicKeyCredentialRequestOptionsJSON, o: CeremonyOverrides = {}): AuthenticationResponseJSON {
    const rpId = o.rpId ?? options.rpId ?? this.defaults.rpId;
    const counter = o.counter ?? this.counter + 1;
    this.counter = counter;
    const authData = concat(sha256(rpId), this.flags(o), u32(counter));
    const clientDataJSON = this.clientData(o.type ?? "webauthn.get", o.challenge ?? options.challenge, o.origin ?? this.defaults.origin);
    const signature = sign("sha256", concat(authData, sha256(isoBase64URL.toBuffer(clientDataJSON))), this.privateKey);
    const userHandle = o.userHandle === undefined ? this.userHandle : o.userHandle;
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: {
        clientDataJSON,
        authenticatorData: isoBase64URL.fromBuffer(authData),
        signature: isoBase64URL.fromBuffer(new Uint8Array(signature)),
        ...(userHandle ? { userHandle } : {}),
      },
      authenticatorAttachment: "cross-platform",
      clientExtensionResults: {},
    };
  }
}
