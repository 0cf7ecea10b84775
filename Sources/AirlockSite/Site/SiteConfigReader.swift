import AirlockBase
import Foundation
import Yams

/// Reads a site config (`SiteConfig`) strictly: an unknown key is refused with the nearest
/// known one, every problem names its setting and line, and relative paths are taken from
/// the file's folder so the config means the same from any working directory.
package struct SiteConfigReader: YAMLSettings {
    package let path: String

    package init(path: String) { self.path = path }

    package func invalid(_ place: String, _ reason: String) -> SiteConfigError {
        .invalid(path: path, at: place, reason: reason)
    }

    /// The config at `path`, or, when `path` is nil, the one at `SiteConfig.defaultPath` if
    /// there is one, else an empty config (the workspace's keys, no site requirements).
    package static func load(_ path: String?) throws -> SiteConfig {
        let chosen = path ?? SiteConfig.defaultPath
        guard FileManager.default.fileExists(atPath: chosen) else {
            if let path { throw SiteConfigError.missing(path: path) }
            return SiteConfig()
        }
        return try SiteConfigReader(path: chosen).read()
    }

    package func read() throws -> SiteConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw invalid("the file", "cannot be read as UTF-8 text: \(FileErrorText.reason(error))")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw invalid("the file", "is not YAML: \(error)")
        }
        var config = SiteConfig()
        if let root { config = try self.config(from: root) }
        config.path = path
        return config
    }

    private func config(from root: Node) throws -> SiteConfig {
        let top = try mapping(root, at: "top level")
        try checkKeys(
            top, known: ["allowed_signers", "revoked_keys", "approvals", "expiry_grace", "targets"], at: "top level")
        var config = SiteConfig()
        config.allowedSigners = try top["allowed_signers"].map { try file($0, at: "allowed_signers") }
        config.revokedKeys = try top["revoked_keys"].map { try file($0, at: "revoked_keys") }
        if let node = top["approvals"] {
            let policy = try approvalPolicy(node, at: "approvals")
            config.approvals = SiteApprovals(count: policy.required, roles: policy.roles)
        }
        if let node = top["expiry_grace"] {
            let text = try string(node, at: "expiry_grace")
            guard let seconds = DurationText.seconds(text), seconds >= 0 else {
                throw invalid(
                    "expiry_grace", "'\(text)' is not a duration such as \(DurationText.examples)\(line(node))")
            }
            config.expiryGrace = seconds
        }
        if let node = top["targets"] {
            for (nameNode, targetNode) in try mapping(node, at: "targets") {
                let name = try string(nameNode, at: "targets")
                config.targets[name] = try target(targetNode, at: "targets.\(name)")
            }
        }
        return config
    }

    private func target(_ node: Node, at place: String) throws -> SiteConfig.NamedTarget {
        let fields = try mapping(node, at: place)
        try checkKeys(fields, known: ["target", "dry_run_only"], at: place)
        var target = SiteConfig.NamedTarget(target: try string(try required(fields, "target", at: place), at: place))
        if let node = fields["dry_run_only"] { target.dryRunOnly = try boolean(node, at: "\(place).dry_run_only") }
        return target
    }

    /// A path in the config, relative to the config's folder unless absolute.
    private func file(_ node: Node, at place: String) throws -> URL {
        let text = try string(node, at: place)
        guard !text.isEmpty else { throw invalid(place, "expected a file path\(line(node))") }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        return text.hasPrefix("/") ? URL(fileURLWithPath: text) : folder.appendingPathComponent(text)
    }
}
