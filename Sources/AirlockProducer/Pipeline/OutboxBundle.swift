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
        SHA256.hash(data: try manifestBytes()).hexString
    }

    /// Its manifest and digest, read as `digest()` reads them: nothing is verified.
    func manifest() throws -> (manifest: Manifest, digest: String) {
        let bytes = try manifestBytes()
        do {
            return (try JSONDecoder().decode(Manifest.self, from: bytes), SHA256.hash(data: bytes).hexString)
        } catch {
            throw VerificationError.badManifest(reason: "\(error)")
        }
    }

    /// The bytes of its `manifest.json` (at most 16 MB).
    private func manifestBytes() throws -> Data {
        do {
            // The verifier's limits: members up to 4 GB are skipped over; the manifest is small.
            let reader = try ArchiveReader(
                url: url, formats: [.tar], limits: ArchiveReader.Limits(memberBytes: 4 << 30, totalBytes: 16 << 30))
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while let member = try reader.nextMember() {
                guard member == BundleLayout.manifest else { continue }
                var bytes = Data()
                while case let count = try reader.read(into: &buffer), count > 0, bytes.count <= 16 << 20 {
                    bytes.append(contentsOf: buffer[0..<count])
                }
                return bytes
            }
        } catch let problem as ArchiveReader.Problem {
            throw VerificationError.notABundle(file: name, reason: "\(problem)")
        }
        throw VerificationError.missingMember(name: BundleLayout.manifest)
    }
}
