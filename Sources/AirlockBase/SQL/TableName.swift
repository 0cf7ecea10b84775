/// Where an entity's rows live in a target: a table, in a schema or wherever the target's
/// `search_path` finds it (`table:` in the spec; the entity's name by default).
///
/// Both parts are taken as written and always quoted, so a site's `auth.users` or
/// `"Sales"."Order Lines"` is named exactly. SQLite has no schemas (a qualifier there names an
/// attached database), so an SQLite target's table is the name alone.
package struct TableName: Hashable, Sendable, CustomStringConvertible {
    package var schema: String?
    package var name: String

    package init(schema: String? = nil, name: String) {
        self.schema = schema
        self.name = name
    }

    /// Reads `users`, `auth.users` or, for parts that hold a dot or a double quote, `"my.schema"."a ""b"""`;
    /// nil for anything else (an empty part, three parts, an unclosed quote).
    package init?(spelling: String) {
        var parts: [String] = []
        var rest = Substring(spelling)
        while true {
            var part = ""
            if rest.first == "\"" {
                rest.removeFirst()
                var closed = false
                while let character = rest.popFirst() {
                    if character == "\"" {
                        if rest.first == "\"" {
                            rest.removeFirst()
                            part.append("\"")
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        part.append(character)
                    }
                }
                guard closed else { return nil }
            } else {
                part = String(rest.prefix { $0 != "." && $0 != "\"" })
                rest.removeFirst(part.count)
            }
            guard !part.isEmpty, !part.contains("\0") else { return nil }
            parts.append(part)
            if rest.isEmpty { break }
            guard rest.first == "." else { return nil }
            rest.removeFirst()
        }
        switch parts.count {
        case 1: self.init(name: parts[0])
        case 2: self.init(schema: parts[0], name: parts[1])
        default: return nil
        }
    }

    /// The table as a `dialect` script names it, quoted: PostgreSQL `"auth"."users"`, SQLite `"users"`.
    package func qualified(_ dialect: SQLDialect) -> String {
        switch (dialect, schema) {
        case let (.postgres, schema?): return dialect.identifier(schema) + "." + dialect.identifier(name)
        default: return dialect.identifier(name)
        }
    }

    /// The table beside this one, in the same schema, named this one's name and `suffix`:
    /// Airlock's staging, backup and removed-rows tables (`users__backup_000002`).
    package func suffixed(_ suffix: String) -> TableName {
        TableName(schema: schema, name: name + suffix)
    }

    /// As messages name it: `auth.users`.
    package var description: String {
        func shown(_ part: String) -> String {
            part.contains(".") || part.contains("\"") ? SQLDialect.postgres.identifier(part) : part
        }
        return (schema.map { shown($0) + "." } ?? "") + shown(name)
    }
}
