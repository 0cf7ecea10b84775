import Foundation

/// An OpenSSH `allowed_signers` file (`ssh-keygen(1)`, ALLOWED SIGNERS): who may sign, for
/// which namespaces, and when. Airlock reads the same file `ssh-keygen -Y verify` reads.
public struct AllowedSigners {
    public struct Entry: Equatable {
        public var principals: [String]
        public var namespaces: [String]?
        public var validAfter: String?
        public var validBefore: String?
        public var key: PublicSigningKey
    }

    public private(set) var entries: [Entry] = []

    public init(path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KeyError.unreadable(path: path, reason: "cannot read the allowed signers: \(error.localizedDescription)")
        }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingWhitespace()
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            do {
                if let entry = try Self.entry(trimmed) { entries.append(entry) }
            } catch {
                throw KeyError.unreadable(path: path, reason: "line \(number + 1): \(error)")
            }
        }
    }

    /// The principals allowed to make `signature` in its namespace on `date` (`YYYYMMDD`).
    public func principals(for signature: SSHSignature, on date: String) -> [String] {
        entries.filter { entry in
            entry.key.raw == signature.publicKey.raw
                && (entry.namespaces?.contains(signature.namespace) ?? true)
                && entry.validAfter.map { date >= $0 } ?? true
                && entry.validBefore.map { date < $0 } ?? true
        }.flatMap(\.principals)
    }

    /// `principals [options] ssh-ed25519 BASE64 [comment]`; options hold no spaces outside quotes.
    private static func entry(_ line: String) throws -> Entry? {
        let fields = splitRespectingQuotes(line)
        guard fields.count >= 3 else { throw SSHFormatError(description: "expected 'principals [options] key-type base64-key'") }
        let principals = fields[0].split(separator: ",").map(String.init)
        var index = 1
        var options: [String: String] = [:]
        if !fields[1].hasPrefix("ssh-") && !fields[1].hasPrefix("ecdsa-") && !fields[1].hasPrefix("sk-") {
            for option in fields[1].split(separator: ",") {
                let parts = option.split(separator: "=", maxSplits: 1)
                options[parts[0].lowercased()] = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : ""
            }
            index = 2
        }
        guard fields.count > index + 1 else { throw SSHFormatError(description: "no key after the options") }
        // Other key types and CA keys are valid in the file but cannot sign Airlock bundles.
        guard fields[index] == "ssh-ed25519", options["cert-authority"] == nil else { return nil }
        guard let blob = Data(base64Encoded: fields[index + 1]) else { throw SSHFormatError(description: "the key is not valid base64") }
        return Entry(principals: principals,
                     namespaces: options["namespaces"].map { $0.split(separator: ",").map(String.init) },
                     validAfter: options["valid-after"].map { String($0.prefix(8)) },
                     validBefore: options["valid-before"].map { String($0.prefix(8)) },
                     key: try PublicSigningKey(blob: [UInt8](blob)))
    }

    private static func splitRespectingQuotes(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" { quoted.toggle() }
            if character.isWhitespace && !quoted {
                if !current.isEmpty { fields.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { fields.append(current) }
        return fields
    }
}
