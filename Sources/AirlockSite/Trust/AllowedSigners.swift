import AirlockBase
import Foundation

/// An OpenSSH `allowed_signers` file (`ssh-keygen(1)`, ALLOWED SIGNERS): who may sign, for
/// which namespaces, and when. Airlock reads the same file `ssh-keygen -Y verify` reads.
package struct AllowedSigners {
    package struct Entry: Equatable {
        package var principals: [String]
        package var namespaces: [String]?
        package var validAfter: Date?
        package var validBefore: Date?
        package var key: PublicSigningKey
    }

    package private(set) var entries: [Entry] = []

    package init(path: String) throws {
        entries = try KeyFile.lines(path: path, holding: "the allowed signers", parse: Self.entry)
    }

    /// The principals allowed to make `signature` in its namespace at `date`.
    package func principals(for signature: SSHSignature, at date: Date) -> [String] {
        entries.filter { entry in
            entry.key.raw == signature.publicKey.raw
                && (entry.namespaces?.contains(signature.namespace) ?? true)
                && entry.validAfter.map { date >= $0 } ?? true
                && entry.validBefore.map { date < $0 } ?? true
        }.flatMap(\.principals)
    }

    /// The first principal allowed to sign with `key` in `namespace`: a reviewer's default name.
    package func principal(of key: PublicSigningKey, namespace: String) -> String? {
        entries.first { $0.key.raw == key.raw && ($0.namespaces?.contains(namespace) ?? true) }?.principals.first
    }

    /// Why no entry allows `signature` at `date`, for a message a key holder can act on.
    package func refusal(of signature: SSHSignature, at date: Date) -> String {
        let forKey = entries.filter { $0.key.raw == signature.publicKey.raw }
        guard !forKey.isEmpty else { return "key \(signature.publicKey.fingerprint) is not in allowed_signers" }
        let forNamespace = forKey.filter { $0.namespaces?.contains(signature.namespace) ?? true }
        guard !forNamespace.isEmpty else {
            return
                "key \(signature.publicKey.fingerprint) (\(forKey.flatMap(\.principals).joined(separator: ","))) may not sign in namespace '\(signature.namespace)'"
        }
        return
            "key \(signature.publicKey.fingerprint) (\(forNamespace.flatMap(\.principals).joined(separator: ","))) is outside its validity window (valid-after/valid-before) at \(date.utcTimestamp)"
    }

    /// `principals [options] ssh-ed25519 BASE64 [comment]`; options hold no spaces outside quotes.
    private static func entry(_ line: String) throws -> Entry? {
        let fields = splitRespectingQuotes(line)
        guard fields.count >= 3 else {
            throw SSHFormatError(description: "expected 'principals [options] key-type base64-key'")
        }
        let principals = fields[0].split(separator: ",").map(String.init)
        var index = 1
        var options: [String: String] = [:]
        if !fields[1].hasPrefix("ssh-") && !fields[1].hasPrefix("ecdsa-") && !fields[1].hasPrefix("sk-") {
            for option in splitRespectingQuotes(fields[1], separator: ",") {
                let parts = option.split(separator: "=", maxSplits: 1)
                options[parts[0].lowercased()] =
                    parts.count > 1 ? String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : ""
            }
            index = 2
        }
        guard fields.count > index + 1 else { throw SSHFormatError(description: "no key after the options") }
        // Other key types and CA keys are valid in the file but cannot sign Airlock bundles.
        guard fields[index] == "ssh-ed25519", options["cert-authority"] == nil else { return nil }
        guard let blob = Data(base64Encoded: fields[index + 1]) else {
            throw SSHFormatError(description: "the key is not valid base64")
        }
        return Entry(
            principals: principals,
            namespaces: options["namespaces"].map { $0.split(separator: ",").map(String.init) },
            validAfter: try options["valid-after"].map(validityTime),
            validBefore: try options["valid-before"].map(validityTime),
            key: try PublicSigningKey(blob: [UInt8](blob)))
    }

    /// `YYYYMMDD[HHMM[SS]]`, in the local time zone unless it ends in `Z`, as ssh-keygen reads it.
    static func validityTime(_ text: String) throws -> Date {
        let utc = text.hasSuffix("Z") || text.hasSuffix("z")
        let digits = utc ? String(text.dropLast()) : text
        guard [8, 12, 14].contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            throw SSHFormatError(description: "'\(text)' is not a time as YYYYMMDD[HHMM[SS]][Z]")
        }
        let padded = digits + String(repeating: "0", count: 14 - digits.count)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = utc ? TimeZone(identifier: "UTC") : TimeZone.current
        formatter.dateFormat = "yyyyMMddHHmmss"
        guard let date = formatter.date(from: padded) else {
            throw SSHFormatError(description: "'\(text)' is not a valid date")
        }
        return date
    }

    private static func splitRespectingQuotes(_ line: String, separator: Character? = nil) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" { quoted.toggle() }
            if (separator.map { character == $0 } ?? character.isWhitespace) && !quoted {
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
