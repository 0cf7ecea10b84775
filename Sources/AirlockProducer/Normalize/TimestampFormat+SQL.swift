import AirlockBase

extension TimestampFormat {
    /// `text` (SQL) through `airlock_timestamp` with this format.
    func sql(_ text: String) -> String {
        let dialect = SQLDialect.sqlite
        let iso = "airlock_timestamp(\(text), \(dialect.literal(pattern)), \(zone.map(dialect.literal) ?? "NULL"))"
        return dateOnly ? "substr(\(iso), 1, 10)" : iso
    }
}
