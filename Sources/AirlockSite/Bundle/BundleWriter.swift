import AirlockBase
import Foundation
import Glibc

/// Writes one bundle file, the dual of `BundleVerifier`: members are written into a staging
/// folder, `sign` lists them in `SHA256SUMS` and signs it, `archive` packs everything into one
/// reproducible file, and `publish` moves a finished file into the outbox.
package struct BundleWriter {
    /// Where the members are written; made empty on start, removed by `discard`.
    package let folder: URL
    /// Every member written so far, by its path in the bundle.
    package private(set) var members: [String] = []
    /// The members compressed as they were written (`addCompressing`), by path.
    private var compressed: [String: CompressedMember] = [:]

    package init(folder: URL) throws {
        self.folder = folder
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Adds the member at `path` (a `BundleLayout` path), which `write` writes to the URL it is given.
    package mutating func add(_ path: String, write: (URL) throws -> Void) throws {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try write(url)
        members.append(path)
    }

    package mutating func add(_ path: String, data: Data) throws {
        try add(path) { try ScriptWriter.write(data, to: $0) }
    }

    /// Adds the member at `path` as `add` does, compressing it for the archive on another
    /// thread while `write` writes it: `write` hands every byte it writes to the file, in
    /// order, to the compressor it is given too. Worth it for a large member written by work
    /// that keeps one core busy (the change file).
    package mutating func addCompressing(_ path: String, write: (URL, MemberCompressor) throws -> Void) throws {
        let side = folder.appendingPathComponent(Self.compressedFolder, isDirectory: true)
        try FileManager.default.createDirectory(at: side, withIntermediateDirectories: true)
        let compressor = try MemberCompressor(
            name: path, into: side.appendingPathComponent("\(compressed.count).deflate"))
        var member: CompressedMember?
        try add(path) { url in
            try write(url, compressor)
            member = try compressor.finish()
        }
        compressed[path] = member
    }

    /// Where `addCompressing` keeps what it compressed: in the staging folder, never a member.
    private static let compressedFolder = ".compressed"

    /// Lists every member written so far in `member` (`SHA256SUMS`, coreutils format, sorted)
    /// and adds it; returns its bytes, which signatures cover.
    @discardableResult
    package mutating func listChecksums(as member: String = BundleLayout.checksums) throws -> [UInt8] {
        let sums = try members.sorted().map {
            "\(try compressed[$0]?.sha256 ?? FileDigest.sha256(of: folder.appendingPathComponent($0)))  \($0)\n"
        }.joined()
        try add(member, data: Data(sums.utf8))
        return Array(sums.utf8)
    }

    /// Lists every member in `SHA256SUMS` and signs it with `key` (SSHSIG, namespace
    /// `airlock-bundle`).
    package mutating func sign(with key: any Signer) throws {
        let sums = try listChecksums()
        let signature = try SSHSignature.sign(sums, namespace: SigningNamespace.bundle, with: key)
        try add(BundleLayout.signature, data: Data(signature.armored.utf8))
    }

    /// Packs every member into `file`, each with modification time `mtime`. The file's bytes
    /// are synced as it is finished, and its name in its folder after: a producer records the
    /// bundle once this returns, and a power cut must not leave the record without the file.
    package func archive(to file: URL, mtime: Int) throws {
        try BundleArchive.write(
            members: members.map { ($0, folder.appendingPathComponent($0)) }, to: file, mtime: mtime,
            compressed: compressed)
        FileMove.syncDirectory(file.deletingLastPathComponent())
    }

    /// Removes the staging folder.
    package func discard() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Moves a finished bundle file into `outbox`, atomically and never over a file already
    /// there (`BundleError.alreadyInOutbox`): the outbox never holds part of a bundle under a
    /// bundle's name, and a published bundle is never replaced. When the outbox is on another
    /// file system (a rename would fail with "Invalid cross-device link"), the file is copied
    /// to a hidden temporary name in `outbox/` (`.NAME.partial`), synced, renamed to its name
    /// there, and only then removed from staging; a copy left by a crash is replaced by the
    /// next try.
    package static func publish(_ file: URL, into outbox: URL) throws {
        try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
        let name = file.lastPathComponent
        let destination = outbox.appendingPathComponent(name)
        switch FileMove.withoutReplacing(file, to: destination) {
        case .moved:
            FileMove.syncDirectory(outbox)
        case .exists:
            throw BundleError.alreadyInOutbox(name: name)
        case .crossDevice:
            try publishAcrossFileSystems(file, to: destination)
        case let .failed(number):
            throw BundleError.publish(name: name, reason: String(cString: strerror(number)))
        }
    }

    private static func publishAcrossFileSystems(_ file: URL, to destination: URL) throws {
        let name = file.lastPathComponent
        let outbox = destination.deletingLastPathComponent()
        let partial = outbox.appendingPathComponent(".\(name).partial")
        unlink(partial.path)
        do {
            try FileMove.copyDurably(file, to: partial)
        } catch {
            unlink(partial.path)
            throw BundleError.publish(name: name, reason: "\(error)")
        }
        switch FileMove.withoutReplacing(partial, to: destination) {
        case .moved:
            FileMove.syncDirectory(outbox)
            unlink(file.path)
        case .exists:
            unlink(partial.path)
            throw BundleError.alreadyInOutbox(name: name)
        case let .failed(number):
            unlink(partial.path)
            throw BundleError.publish(name: name, reason: String(cString: strerror(number)))
        case .crossDevice:
            unlink(partial.path)
            throw BundleError.publish(name: name, reason: "outbox/ spans file systems")
        }
    }
}
