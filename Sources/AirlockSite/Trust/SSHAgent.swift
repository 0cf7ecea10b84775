import Foundation
import Glibc

/// A running ssh-agent, reached through its socket (`SSH_AUTH_SOCK`), speaking the agent
/// protocol (draft-miller-ssh-agent): which keys it holds, and signatures made with them.
/// Each request is one short connection.
package struct SSHAgent: Sendable {
    package let socketPath: String

    package init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// Message numbers of the protocol.
    private enum Message: UInt8 {
        case failure = 5
        case requestIdentities = 11
        case identitiesAnswer = 12
        case signRequest = 13
        case signResponse = 14
    }

    /// The Ed25519 keys the agent holds; keys of other types are passed over.
    package func keys() throws -> [PublicSigningKey] {
        var reader = try request(.requestIdentities, [], expecting: .identitiesAnswer)
        let count = try reader.uint32()
        var keys: [PublicSigningKey] = []
        for _ in 0..<count {
            let blob = try reader.string()
            let comment = try reader.text()
            guard var key = try? PublicSigningKey(blob: blob) else { continue }
            key.comment = comment
            keys.append(key)
        }
        return keys
    }

    /// The agent's Ed25519 signature of `data` with `key`.
    func sign(_ data: [UInt8], with key: PublicSigningKey) throws -> [UInt8] {
        var body = SSHWriter()
        body.string(key.blob)
        body.string(data)
        body.uint32(0)
        var reader = try request(.signRequest, body.bytes, expecting: .signResponse)
        var signature = SSHReader(try reader.string())
        guard try signature.text() == "ssh-ed25519" else {
            throw AgentError(socket: socketPath, reason: "it answered with a signature that is not ed25519")
        }
        let bytes = try signature.string()
        guard bytes.count == 64 else {
            throw AgentError(socket: socketPath, reason: "it answered with a malformed ed25519 signature")
        }
        return bytes
    }

    private func request(_ message: Message, _ body: [UInt8], expecting answer: Message) throws -> SSHReader {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw AgentError(socket: socketPath, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8CString)
        guard path.count <= MemoryLayout.size(ofValue: address.sun_path) else {
            throw AgentError(socket: socketPath, reason: "the socket path is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            path.withUnsafeBytes { raw.copyMemory(from: $0) }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            throw AgentError(socket: socketPath, reason: "cannot connect: \(String(cString: strerror(errno)))")
        }
        var packet = SSHWriter()
        packet.string([message.rawValue] + body)
        try write(packet.bytes, to: descriptor)
        var header = SSHReader(try read(4, from: descriptor))
        let length = try header.uint32()
        guard length > 0, length < 1 << 20 else {
            throw AgentError(socket: socketPath, reason: "it sent a malformed answer")
        }
        let reply = try read(Int(length), from: descriptor)
        guard reply[0] == answer.rawValue else {
            let reason =
                reply[0] == Message.failure.rawValue
                ? "it refused the request (is the key still added? a confirmation declined?)"
                : "it answered with message \(reply[0])"
            throw AgentError(socket: socketPath, reason: reason)
        }
        return SSHReader(Array(reply.dropFirst()))
    }

    private func write(_ bytes: [UInt8], to descriptor: Int32) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw AgentError(socket: socketPath, reason: String(cString: strerror(errno))) }
            sent += count
        }
    }

    private func read(_ count: Int, from descriptor: Int32) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let got = bytes[received...].withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard got > 0 else { throw AgentError(socket: socketPath, reason: "the connection closed early") }
            received += got
        }
        return bytes
    }
}
