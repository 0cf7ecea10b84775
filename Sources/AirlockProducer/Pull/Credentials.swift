import AirlockSpec
import Foundation

/// Resolves `${NAME}` and auth variables from the environment, and remembers every value it
/// put in, so that text leaving the process (errors, logs) can be masked.
struct Credentials {
    let source: String
    let environment: [String: String]
    /// Values shorter than this are not masked: they are not secrets and masking them would
    /// garble every message.
    private static let shortestMasked = 4
    private(set) var secrets: [String] = []

    init(source: String, environment: [String: String]) {
        self.source = source
        self.environment = environment
    }

    mutating func expand(_ text: String) throws -> String {
        var result = ""
        var rest = Substring(text)
        while let match = rest.firstMatch(of: #/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/#) {
            result += rest[..<match.range.lowerBound]
            result += try value(of: String(match.output.1))
            rest = rest[match.range.upperBound...]
        }
        return result + rest
    }

    mutating func value(of variable: String) throws -> String {
        guard let value = environment[variable], !value.isEmpty else {
            throw PullError.missingVariable(source: source, variable: variable)
        }
        if value.count >= Self.shortestMasked {
            secrets.append(value)
            if let encoded = value.addingPercentEncoding(withAllowedCharacters: QueryEncoding.unreserved),
                encoded != value
            {
                secrets.append(encoded)
            }
        }
        return value
    }

    mutating func authorizationHeader(_ auth: PullSpec.Auth) throws -> String {
        switch auth {
        case let .bearer(variable):
            return "Authorization: Bearer \(try value(of: variable))"
        case let .basic(userVariable, passwordVariable):
            let pair = "\(try value(of: userVariable)):\(try value(of: passwordVariable))"
            let encoded = Data(pair.utf8).base64EncodedString()
            secrets.append(encoded)
            return "Authorization: Basic \(encoded)"
        }
    }

    /// `text` with every secret replaced by `***`, longest first so no part of one survives.
    func mask(_ text: String) -> String {
        secrets.sorted { $0.count > $1.count }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}
