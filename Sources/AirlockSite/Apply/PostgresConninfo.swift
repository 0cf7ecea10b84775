import Foundation

/// A PostgreSQL connection string as libpq reads it, a keyword list (`host=/run/postgresql
/// dbname=shop password='s3cr3t'`) or a URI (`postgresql://app:s3cr3t@db.example/shop?sslmode=require`),
/// split into the password and everything else.
///
/// A password never reaches a message or a command line: `psql` is given the string without
/// it and the password through `PGPASSWORD`, which only the child's own user can read (a
/// command line is visible to every user through `ps`); messages show it as `***`.
package struct PostgresConninfo: Equatable, Sendable {
    /// The connection string with the password taken out: what `psql` is given.
    package let withoutPassword: String
    /// The password, if the string holds one.
    package let password: String?
    /// The connection string with the password shown as `***`: what messages name.
    package let redacted: String

    package init(_ text: String) {
        if Self.isURI(text) {
            (withoutPassword, password, redacted) = Self.splitURI(text)
        } else {
            (withoutPassword, password, redacted) = Self.splitKeywords(text)
        }
    }

    static func isURI(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    // MARK: - URIs

    /// `scheme://[user[:password]@]hosts[/dbname][?name=value&…]`; the password may also be
    /// a `password=` parameter. Percent-encoding is kept as written, except in the password.
    private static func splitURI(_ text: String) -> (String, String?, String) {
        let schemeEnd = text.range(of: "://")!.upperBound
        let scheme = String(text[..<schemeEnd])
        var rest = String(text[schemeEnd...])
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = String(rest[..<mark])
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        let path = String(rest[authorityEnd...])
        var password: String?
        var shownAuthority = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                let encoded = String(userInfo[userInfo.index(after: colon)...])
                password = encoded.removingPercentEncoding ?? encoded
                let user = userInfo[..<colon]
                let hosts = authority[authority.index(after: at)...]
                authority = "\(user)@\(hosts)"
                shownAuthority = "\(user):***@\(hosts)"
            }
        }
        var kept: [String] = [], shown: [String] = []
        for parameter in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let name = parameter.prefix { $0 != "=" }
            if name == "password" {
                let encoded = String(parameter.dropFirst(name.count + 1))
                password = encoded.removingPercentEncoding ?? encoded
                shown.append("password=***")
            } else {
                kept.append(String(parameter))
                shown.append(String(parameter))
            }
        }
        func join(_ authority: String, _ parameters: [String]) -> String {
            scheme + authority + path + (query == nil ? "" : "?" + parameters.joined(separator: "&"))
        }
        return (join(authority, kept), password, join(shownAuthority, shown))
    }

    // MARK: - Keyword lists

    /// `name = value` pairs separated by spaces; a value may be single-quoted, with `\'` and
    /// `\\` inside. A `dbname` that is itself a connection string or URI is split too.
    private static func splitKeywords(_ text: String) -> (String, String?, String) {
        guard let pairs = keywordPairs(text) else { return (text, nil, hidingPassword(in: text)) }
        var password: String?
        var kept: [String] = [], shown: [String] = []
        for (name, value) in pairs {
            if name == "password" {
                password = value
                shown.append("password=***")
            } else if name == "dbname", isURI(value) || value.contains("=") {
                let inner = PostgresConninfo(value)
                password = inner.password ?? password
                kept.append("dbname=\(quoted(inner.withoutPassword))")
                shown.append("dbname=\(quoted(inner.redacted))")
            } else {
                kept.append("\(name)=\(quoted(value))")
                shown.append("\(name)=\(quoted(value))")
            }
        }
        if password == nil { return (text, nil, text) }
        return (kept.joined(separator: " "), password, shown.joined(separator: " "))
    }

    /// Text libpq refuses as a keyword list (an unclosed quote, or `'it''s'`, which it does not
    /// read as one quote) may still hold the password it was meant to: everything after
    /// `password =` is hidden.
    private static func hidingPassword(in text: String) -> String {
        guard let found = text.range(of: #"password\s*="#, options: .regularExpression) else { return text }
        return text[..<found.lowerBound] + "password=***"
    }

    /// The pairs of a keyword list, or nil for text that is not one (libpq reads it as a
    /// database name then).
    private static func keywordPairs(_ text: String) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        var characters = Array(text)[...]
        func skipSpaces() { while characters.first?.isWhitespace == true { characters.removeFirst() } }
        skipSpaces()
        while !characters.isEmpty {
            let name = String(characters.prefix { $0 != "=" && !$0.isWhitespace })
            characters.removeFirst(name.count)
            skipSpaces()
            guard !name.isEmpty, characters.first == "=" else { return nil }
            characters.removeFirst()
            skipSpaces()
            var value = ""
            if characters.first == "'" {
                characters.removeFirst()
                var closed = false
                while let character = characters.popFirst() {
                    if character == "\\", let next = characters.popFirst() {
                        value.append(next)
                    } else if character == "'" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return nil }
            } else {
                while let character = characters.first, !character.isWhitespace {
                    characters.removeFirst()
                    if character == "\\", let next = characters.popFirst() {
                        value.append(next)
                    } else {
                        value.append(character)
                    }
                }
            }
            pairs.append((name, value))
            skipSpaces()
        }
        return pairs
    }

    /// A keyword value as libpq reads it back: single-quoted, with `'` and `\` escaped.
    private static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
