import Foundation
import Glibc
import Testing

@testable import AirlockProducer

/// Issue 23, item 3: an outbox on another file system. `rename` fails across file systems
/// ("Invalid cross-device link"), which left every bundle in `.airlock/staging` while `status`
/// called it the last bundle. A tmpfs is mounted on `outbox/`, as an operator would put the
/// outbox on a USB stick or a share; mounting needs root, which CI has.
@Suite(
    .serialized, .tags(.sshKeygen), .runsExternalPrograms,
    .enabled(if: getuid() == 0, "mounting a tmpfs on outbox/ needs root (CI runs as root)"))
struct CrossDeviceOutboxTests {
    /// A workspace whose `outbox/` is a fresh tmpfs of `size`, unmounted by `unmount`.
    private func workspace(outboxSize size: String) throws -> TestWorkspace {
        let workspace = try TestWorkspace()
        try FileManager.default.createDirectory(at: workspace.outbox, withIntermediateDirectories: true)
        let mounted = try Shell.run(["mount", "-t", "tmpfs", "-o", "size=\(size)", "tmpfs", workspace.outbox.path])
        #expect(mounted.status == 0, "\(mounted.error)")
        return workspace
    }

    private func unmount(_ workspace: TestWorkspace) {
        _ = try? Shell.run(["umount", workspace.outbox.path])
        workspace.remove()
    }

    private func staged(_ workspace: TestWorkspace) -> [String] {
        let staging = workspace.root.appendingPathComponent(".airlock/staging")
        return ((try? FileManager.default.contentsOfDirectory(atPath: staging.path)) ?? []).filter {
            $0.hasSuffix(".tar.gz")
        }
    }

    private func outboxNames(_ workspace: TestWorkspace) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: workspace.outbox.path).sorted()
    }

    @Test func everyBundleReachesAnOutboxOnAnotherFileSystem() throws {
        let workspace = try workspace(outboxSize: "16m")
        defer { unmount(workspace) }
        try workspace.drop(TestWorkspace.exampleDrop)
        let first = try workspace.airlock(["run", "--once"])
        #expect(first.status == 0, "\(first.output)\(first.error)")
        try workspace.drop(TestWorkspace.secondDrop)
        let second = try workspace.airlock(["run", "--once"])
        #expect(second.status == 0, "\(second.output)\(second.error)")
        #expect(try outboxNames(workspace) == ["bundle-000001.tar.gz", "bundle-000002.tar.gz"])
        #expect(staged(workspace).isEmpty)
        for bundle in try workspace.bundles() {
            let verified = try workspace.airlock(["verify", bundle.path])
            #expect(verified.status == 0, "\(bundle.lastPathComponent): \(verified.output)\(verified.error)")
        }
        let status = try workspace.airlock(["status"]).output
        #expect(status.contains("last bundle: bundle-000002.tar.gz"), "\(status)")
        #expect(!status.contains("not yet in outbox/"), "\(status)")
    }

    @Test func aBundleThatCouldNotBeMovedIsNotCalledTheLastBundle() throws {
        let workspace = try workspace(outboxSize: "4k")
        defer { unmount(workspace) }
        try workspace.drop(TestWorkspace.exampleDrop)
        let full = try workspace.airlock(["run", "--once"])
        #expect(full.status != 0)
        #expect(full.error.contains("cannot move bundle-000001.tar.gz into outbox/"), "\(full.error)")
        #expect(try outboxNames(workspace).isEmpty, "no partial copy is left")
        #expect(staged(workspace) == ["bundle-000001.tar.gz"])
        let waiting = try workspace.airlock(["status"]).output
        #expect(waiting.contains("last bundle: none yet"), "\(waiting)")
        #expect(waiting.contains("not yet in outbox/: bundle-000001.tar.gz"), "\(waiting)")

        #expect(try Shell.run(["mount", "-o", "remount,size=16m", workspace.outbox.path]).status == 0)
        let next = try workspace.airlock(["run", "--once"])
        #expect(next.status == 3, "\(next.output)\(next.error)")
        #expect(try outboxNames(workspace) == ["bundle-000001.tar.gz"])
        #expect(staged(workspace).isEmpty)
        #expect(try workspace.airlock(["status"]).output.contains("last bundle: bundle-000001.tar.gz"))
    }
}
