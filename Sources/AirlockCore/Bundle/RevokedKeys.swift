import Foundation

/// Keys whose signatures are refused whatever `allowed_signers` says: one public key per line,
/// the plain-list form `ssh-keygen -Y verify -r FILE` also reads. A missing file revokes nothing.
public struct RevokedKeys {
    public private(set) var keys: [PublicSigningKey] = []

    public init() {}

    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KeyError.unreadable(path: path, reason: "cannot read the revoked keys: \(error.localizedDescription)")
        }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            do {
                keys.append(try PublicSigningKey(openSSHLine: trimmed))
            } catch {
                throw KeyError.unreadable(path: path, reason: "line \(number + 1): \(error)")
            }
        }
    }

    public func contains(_ key: PublicSigningKey) -> Bool {
        keys.contains { $0.raw == key.raw }
    }
}
