import Crypto
import Foundation
import Testing

@testable import AirlockBase
@testable import AirlockProducer
@testable import AirlockSite

/// The digest the producer reads from an outbox bundle to check it against its workspace: a
/// bundle's big members (a million-row change file) are skipped, never a reason to call the
/// bundle unreadable.
@Suite struct OutboxBundleTests {
    @Test func theDigestIsReadPastMembersOfAnySize() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "airlock-outbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = folder.appendingPathComponent("changes.ndjson")
        try Data(repeating: UInt8(ascii: "x"), count: 40 << 20).write(to: big)
        let manifest = folder.appendingPathComponent("manifest.json")
        try Data("{\"sequence\": 7}".utf8).write(to: manifest)
        let bundle = folder.appendingPathComponent("bundle-000007.tar.gz")
        try BundleArchive.write(
            members: [("changes/products.ndjson", big), (BundleLayout.manifest, manifest)], to: bundle, mtime: 0)
        let listed = OutboxBundle.list(in: folder)
        #expect(listed.map(\.sequence) == [7])
        #expect(try listed[0].digest() == SHA256.hash(data: Data("{\"sequence\": 7}".utf8)).hexString)
    }
}
