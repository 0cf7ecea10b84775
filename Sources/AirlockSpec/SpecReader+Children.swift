import AirlockBase
import Yams

/// `children:` of an entity: each child becomes an ordinary entity (`orders__lines`) whose
/// key starts with its parent's key and which refers to its parent, so diffs, foreign-key
/// order, checks, rollbacks and cutovers treat it like any other. Its records are the
/// objects of an array in its parent's records (`Nesting`).
extension SpecReader {
    /// The entity declared at `place` followed by its children, theirs after each.
    func family(named name: String, from node: Node, at place: String) throws -> [EntitySpec] {
        var entity = try self.entity(named: name, from: node, at: place)
        guard let childrenNode = try mapping(node, at: place)["children"] else { return [entity] }
        guard entity.model == nil else {
            throw invalid("\(place).children", "a model reads no records, so it has no arrays to take children from")
        }
        guard !entity.source.format.hasHeaderRow else {
            throw invalid(
                "\(place).children",
                "children are read from arrays inside JSON records; a row of a CSV file or a sheet holds none")
        }
        let descendants = try children(of: &entity, root: name, from: childrenNode, at: "\(place).children")
        return [entity] + descendants
    }

    /// The children `node` declares under `parent`, each followed by its own; records the
    /// arrays they read in `parent.childArrays`.
    private func children(of parent: inout EntitySpec, root: String, from node: Node, at place: String) throws
        -> [EntitySpec]
    {
        let depth = (parent.nesting?.depth ?? 0) + 1
        guard depth <= Nesting.maxDepth else {
            throw invalid(
                place,
                "children nest at most \(Nesting.maxDepth) levels deep (a child of a child of a child)\(line(node)); keep deeper arrays as JSON text in a text column"
            )
        }
        var family: [EntitySpec] = []
        for (nameNode, childNode) in try mapping(node, at: place) {
            let childName = try string(nameNode, at: place)
            let childPlace = "\(place).\(childName)"
            try checkIdentifier(childName, at: childPlace)
            var child = try self.child(named: childName, of: parent, root: root, from: childNode, at: childPlace)
            parent.childArrays.append(child.nesting!.levels.last!)
            let grandchildren = try mapping(childNode, at: childPlace)["children"].map {
                try children(of: &child, root: root, from: $0, at: "\(childPlace).children")
            }
            family += [child] + (grandchildren ?? [])
        }
        return family
    }

    private func child(named childName: String, of parent: EntitySpec, root: String, from node: Node, at place: String)
        throws -> EntitySpec
    {
        let fields = try mapping(node, at: place)
        try checkKeys(
            fields,
            known: [
                "path", "key", "columns", "table", "upsert", "cutover", "delivery", "dedupe", "checks", "thresholds",
                "overrides",
                "children"
            ], at: place)
        let name = "\(parent.name)__\(childName)"
        try checkChildName(name, at: place)
        let pathNode = try required(fields, "path", at: place)
        let array = try arrayPath(pathNode, at: "\(place).path")
        let depth = (parent.nesting?.depth ?? 0) + 1
        let own = try declaredColumns(fields, at: place)
        let inherited = try parentKeyColumns(of: parent, at: place)
        let keyNode = try required(fields, "key", at: place)
        var columns = inherited
        let ordinal = keyNode.scalar?.string == Nesting.ordinalColumn ? Nesting.ordinalColumn : nil
        if let ordinal {
            guard !inherited.contains(where: { $0.name == ordinal }) else {
                throw invalid(
                    "\(place).key",
                    "the parent is keyed by position already, so its key brings a column '\(ordinal)'; key this child by a field of its elements\(line(keyNode))"
                )
            }
            // The element's place in its array, from 1; a column of the entity like the others.
            columns.append(ColumnSpec(name: ordinal, from: "", type: .integer))
        }
        for column in own {
            guard !columns.contains(where: { $0.name == column.name }) else {
                let why =
                    column.name == ordinal
                    ? "key: ordinal makes a column of that name for the element's position"
                    : "the parent's key column has that name and comes from the parent"
                throw invalid(
                    "\(place).columns.\(column.name)", "'\(column.name)' is taken: \(why); rename this column")
            }
            columns.append(column)
        }
        let ownKey = try ordinal.map { [$0] } ?? keyNames(keyNode, among: own, at: "\(place).key")
        var source = parent.source
        // Only the top-level entity is pulled and deletes by tombstone; a child follows its rows.
        source.pull = nil
        source.deletion = nil
        var entity = EntitySpec(
            name: name, source: source, key: inherited.map(\.name) + ownKey, columns: columns)
        var levels = Dictionary(uniqueKeysWithValues: columns.map { ($0.name, depth) })
        for column in inherited { levels[column.name] = parent.nesting?.columnLevels[column.name] ?? 0 }
        entity.nesting = Nesting(
            parent: parent.name, parentTable: parent.table, parentKey: parent.key, root: root,
            levels: (parent.nesting?.levels ?? []) + [array], columnLevels: levels, place: place, ordinal: ordinal,
            positions: (parent.nesting?.positions ?? [:]).merging(ordinal.map { [$0: depth] } ?? [:]) { $1 })
        // A child is delivered as its parent is, unless it says otherwise.
        entity.delivery = parent.delivery
        try readTarget(of: &entity, from: fields, at: place)
        try readRules(of: &entity, from: fields, at: place)
        // The audit columns overrides add (qty_source) read the element as their columns do.
        for column in entity.columns where entity.nesting?.columnLevels[column.name] == nil {
            entity.nesting?.columnLevels[column.name] = depth
        }
        return entity
    }

    /// `lines[]` (or `lines`, `detail.lines[]`): one array below the parent's record.
    private func arrayPath(_ node: Node, at place: String) throws -> [String] {
        let spelling = try string(node, at: place)
        let path: JSONRecordsPath
        do {
            path = try JSONRecordsPath(spelling)
        } catch {
            throw invalid(place, "\(error)\(line(node))")
        }
        guard path.levels.count == 1, let keys = path.levels.first, !keys.isEmpty else {
            throw invalid(
                place,
                "'\(spelling)' must name one array in the parent's record, such as lines[]; an array inside its elements is a child of this child\(line(node))"
            )
        }
        return keys
    }

    /// The parent's key columns as the child reads them: the same source fields, cleaning and
    /// type, so they normalize to the parent's values; the parent's checks are not repeated
    /// (a key value is one per parent row, but many children share it).
    private func parentKeyColumns(of parent: EntitySpec, at place: String) throws -> [ColumnSpec] {
        try parent.keyColumns.map { column in
            guard column.rules.derivation == nil else {
                throw invalid(
                    place,
                    "the parent's key column \(column.name) is derived, but a child reads its parent's key from the records"
                )
            }
            var inherited = ColumnSpec(name: column.name, from: column.from, type: column.type)
            inherited.rules = column.rules
            inherited.rules.checks = []
            inherited.rules.transitions = nil
            return inherited
        }
    }

    /// `orders__lines` is an entity's name and, unless `table:` says, its table's: it must
    /// fit the names cutovers put beside it and never look like one of them.
    private func checkChildName(_ name: String, at place: String) throws {
        guard name.utf8.count <= 47 else {
            throw invalid(
                place,
                "the child's entity name '\(name)' is longer than 47 characters; cutover tables named '\(name)__staging_000001' would not fit PostgreSQL's 63-byte names; use a shorter child name"
            )
        }
        guard name.wholeMatch(of: #/.*__(staging|backup|removed)_[0-9]+/#) == nil else {
            throw invalid(place, "'\(name)' is named like one of Airlock's staging, backup or removed-rows tables")
        }
    }
}
