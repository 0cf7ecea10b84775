import GRDB

/// A record type of a workspace table: the tables spell their columns in snake case
/// (`file_name`), the record types in camel case (`fileName`).
protocol SnakeCaseColumns: Codable, FetchableRecord, PersistableRecord {}

extension SnakeCaseColumns {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}
