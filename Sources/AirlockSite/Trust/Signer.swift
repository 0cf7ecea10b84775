/// Makes Ed25519 signatures with one key: a key file Airlock reads (`SigningKey`), or a key
/// ssh-agent holds (`AgentKey`), which is how passphrase-protected and hardware-backed keys
/// sign without Airlock ever seeing them.
package protocol Signer {
    var publicKey: PublicSigningKey { get }
    /// The Ed25519 signature (64 bytes) of `data`.
    func sign(_ data: [UInt8]) throws -> [UInt8]
}
