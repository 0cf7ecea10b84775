import Foundation
import Glibc
import Testing

@testable import AirlockProducer

/// What lies in the inbox besides well-named regular files: a name swapped for a symbolic link
/// while a run is reading the inbox, and names that are not UTF-8. Real files, the real
/// `airlock` process.
@Suite(.serialized) struct InboxEntryTests {
    /// Swaps `name` in `folder` between a regular file and a symbolic link as fast as it can,
    /// each by one `rename`, until stopped.
    final class Swapper: @unchecked Sendable {
        private let lock = NSLock()
        private var stopping = false
        private var finished = false
        private(set) var swaps = 0

        init(_ name: String, in folder: URL, regular: URL, linkTarget: URL) {
            let path = folder.appendingPathComponent(name).path
            let spareFile = folder.appendingPathComponent(".swap-file").path
            let spareLink = folder.appendingPathComponent(".swap-link").path
            Thread.detachNewThread { [self] in
                var count = 0
                while !isStopping {
                    unlink(spareFile)
                    link(regular.path, spareFile)
                    rename(spareFile, path)
                    // As long a regular file as a link: a run that lists the inbox in the
                    // link's half sees no file, so without this almost none would read it.
                    usleep(200)
                    unlink(spareLink)
                    symlink(linkTarget.path, spareLink)
                    rename(spareLink, path)
                    count += 1
                    // Not a busy loop: the runs it races need the cores too.
                    usleep(200)
                }
                unlink(path)
                lock.withLock {
                    swaps = count
                    finished = true
                }
            }
        }

        private var isStopping: Bool { lock.withLock { stopping } }

        func stop() {
            lock.withLock { stopping = true }
            while !lock.withLock({ finished }) { Thread.sleep(forTimeInterval: 0.001) }
        }
    }

    /// Every file below `folder`, gzip-compressed bundles unpacked, as bytes.
    private func contents(below folder: URL) throws -> [(String, Data)] {
        var found: [(String, Data)] = []
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            found.append((url.path, try Data(contentsOf: url)))
            if url.lastPathComponent.hasSuffix(".tar.gz") {
                found.append((url.path + " (unpacked)", Data(try Shell.run(["tar", "-xzOf", url.path]).output.utf8)))
            }
        }
        return found
    }

    @Test func aFileSwappedForALinkIsNeverFollowed() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let marker = "SECRET-\(UUID().uuidString)"
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent(
            "airlock-secret-\(UUID().uuidString)")
        try "root:\(marker):19000:0:99999:7:::\n".write(to: secret, atomically: true, encoding: .utf8)
        chmod(secret.path, 0o600)
        defer { try? FileManager.default.removeItem(at: secret) }
        let regular = workspace.inbox.appendingPathComponent(".payments-source")
        try (TestWorkspace.paymentsHeader + "1001,Zoë,Müller,1.00,card,2026-11-05\n").write(
            to: regular, atomically: true, encoding: .utf8)
        var output = ""
        var swaps = 0
        for round in 1...50 {
            let swapper = Swapper("payments.csv", in: workspace.inbox, regular: regular, linkTarget: secret)
            let run = try Shell.run([
                AirlockProcess.executable.path, "run", "--once", "--workspace", workspace.root.path
            ])
            swapper.stop()
            swaps += swapper.swaps
            output += "round \(round): \(run.status)\n\(run.output)\(run.error)"
        }
        #expect(swaps > 50, "the swapper must have raced the runs")
        #expect(!output.contains(marker), "\(output)")
        for (path, data) in try contents(below: workspace.root) {
            #expect(data.range(of: Data(marker.utf8)) == nil, "\(path) holds the linked file's content")
        }
        // The regular file was read in some rounds (the others found the link when listing the
        // inbox or opening the file; how often each happens depends on the machine's load).
        #expect(output.contains("ingested payments.csv"), "\(output)")
    }

    /// The race's other side, without the race: a file listed as regular and a link by the
    /// time it is opened, as `watch` hands a run the files it listed a moment before.
    @Test func aLinkWhereARegularFileWasListedIsRejectedUnread() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let secret = workspace.root.appendingPathComponent("secret.csv")
        try TestWorkspace.payments(["1001,Secret,Row,1.00,card,2026-11-05"]).write(
            to: secret, atomically: true, encoding: .utf8)
        let link = workspace.inbox.appendingPathComponent("payments.csv")
        #expect(symlink(secret.path, link.path) == 0)
        let report = try Producer(workspace: try Workspace(root: workspace.root.path), logger: .test).runOnce(
            files: [link])
        #expect(
            report.rejected.map(\.description) == [
                "payments.csv: it is a symbolic link; only regular files are read from the inbox"
            ])
        #expect(report.outcome == .noNewFiles)
        let error = workspace.inbox.appendingPathComponent("rejected/payments.csv.error.txt")
        var status = stat()
        #expect(stat(error.path, &status) == 0 && status.st_mode & 0o077 == 0, "an error file about no file is 0600")
    }

    @Test func namesThatAreNotUTF8AreNamedInStatusAndTheRun() throws {
        let workspace = try TestWorkspace()
        defer { workspace.remove() }
        let name = Array("payments-".utf8) + [0xFF, 0xFE] + Array(".csv".utf8)
        let path = Array(workspace.inbox.path.utf8) + [UInt8(ascii: "/")] + name + [0]
        let descriptor = path.withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) }
        }
        #expect(descriptor >= 0)
        close(descriptor)
        let shown = "payments-\\xFF\\xFE.csv"
        let status = try Shell.run([AirlockProcess.executable.path, "status", "--workspace", workspace.root.path])
        #expect(status.output.contains("names not UTF-8") && status.output.contains(shown), "\(status.output)")
        let json = try Shell.run([
            AirlockProcess.executable.path, "status", "--json", "--workspace", workspace.root.path
        ])
        #expect(json.output.contains("payments-\\\\xFF\\\\xFE.csv"), "\(json.output)")
        let run = try Shell.run([AirlockProcess.executable.path, "run", "--once", "--workspace", workspace.root.path])
        #expect(run.output.contains("skipped \(shown): the file name is not UTF-8"), "\(run.output)")
    }
}
