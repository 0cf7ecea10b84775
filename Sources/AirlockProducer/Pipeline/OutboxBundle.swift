import AirlockBase
import AirlockSite
import Crypto
import Foundation

/// A bundle file directly in `outbox/` (`bundle-NNNNNN.tar.gz`), as the producer checks its
/// outbox against the workspace's chain: by name, and by the digest its manifest gives.
struct OutboxBundle {
    let url: URL
    let sequence: Int

    var name: String { url.lastPathComponent }

    /// The bundle files in `outbox`, by sequence; other names (hidden copies being published,
    /// `discarded/`) are not bundles.
    static func list(in outbox: URL) -> [OutboxBundle] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []
        return names.compactMap { name -> OutboxBundle? in
            guard name.hasPrefix("bundle-"), name.hasSuffix(".tar.gz"),
                let sequence = Int(name.dropFirst("bundle-".count).dropLast(".tar.gz".count)),
                name == "bundle-\(BundleIdentity.pad(sequence)).tar.gz"
            else { return nil }
            return OutboxBundle(url: outbox.appendingPathComponent(name), sequence: sequence)
        }.sorted { $0.sequence < $1.sequence }
    }

    /// The SHA-256 of its `manifest.json`, the bundle's digest. The archive is read up to that
    /// member only; nothing is verified (`BundleVerifier` does that).
    func digest() throws -> String {
        do {
            // The verifier's limits: members up to 4 GB are skipped over; the manifest is small.
            let reader = try ArchiveReader(
                url: url, formats: [.tar], limits: ArchiveReader.Limits(memberBytes: 4 << 30, totalBytes: 16 << 30))
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while let member = try reader.nextMember() {
                guard member == BundleLayout.manifest else { continue }
                var hasher = SHA256()
                var size = 0
                while case let count = try reader.read(into: &buffer), count > 0, size <= 16 << 20 {
                    size += count
                    hasher.update(data: buffer[0..<count])
                }
                return hasher.finalize().hexString
            }
        } catch let problem as ArchiveReader.Problem {
            throw VerificationError.notABundle(file: name, reason: "\(problem)")
        }
        throw VerificationError.missingMember(name: BundleLayout.manifest)
    }
}
