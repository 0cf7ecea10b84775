/// A key ssh-agent holds, signing through it.
package struct AgentKey: Signer {
    let agent: SSHAgent
    package let publicKey: PublicSigningKey

    package func sign(_ data: [UInt8]) throws -> [UInt8] {
        try agent.sign(data, with: publicKey)
    }
}
