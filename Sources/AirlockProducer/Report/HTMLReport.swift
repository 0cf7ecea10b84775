import AirlockBase
import AirlockSite
import AirlockSpec

/// `report.html`: one self-contained page for a reviewer's browser. Styles, the chart (inline
/// SVG) and the search script are inside the page, and its Content-Security-Policy forbids
/// every fetch, so opening it sends nothing anywhere.
struct HTMLReport {
    let contents: BundleContents

    func render() -> String {
        let manifest = contents.manifest
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Airlock bundle \(manifest.sequence)</title>
            <style>\(Self.style)</style></head>
            <body>
            <h1>Airlock bundle \(manifest.sequence)</h1>
            <table id="facts">\(contents.facts.map { "<tr><th>\(Self.escape($0.0))</th><td>\(Self.escape($0.1))</td></tr>" }.joined())</table>
            <h2>Sources</h2>
            \(table(id: "sources", header: ["file", "entity", "records", "sha256"], rows: contents.sourceRows.map { $0.map(Self.escape) }))
            <h2>Changes by entity</h2>
            \(breakdownTable)
            \(chart)
            <h2>Validation</h2>
            \(findings)
            <h2>Field-level changes</h2>
            \(changes)
            <script>\(Self.script)</script>
            </body></html>

            """
    }

    private var breakdownTable: String {
        var rows: [String] = []
        for entity in contents.manifest.entities {
            let breakdown = Breakdown(entity)
            rows.append(breakdownRow(breakdown, entity: entity.name, label: Self.escape(entity.name), kind: "entity"))
            for category in breakdown.categories {
                let label =
                    "<span class=\"sub\">\(Self.escape(entity.category ?? "")) =</span> \(Self.escape(category.label))"
                rows.append(breakdownRow(category, entity: entity.name, label: label, kind: "category"))
            }
        }
        let header = (["entity"] + Breakdown.columns).map { "<th>\($0)</th>" }.joined()
        return
            "<table id=\"breakdown\"><thead><tr>\(header)</tr></thead><tbody>\(rows.joined(separator: "\n"))</tbody></table>"
    }

    /// Counts sit in `data-count` so a page check can read them without parsing the text.
    private func breakdownRow(_ line: Breakdown, entity: String, label: String, kind: String) -> String {
        let cells = zip(zip(Breakdown.columns, line.values), line.cells).map { column, text in
            "<td class=\"num\" data-column=\"\(column.0)\" data-count=\"\(column.1.map(String.init) ?? "")\">\(Self.escape(text))</td>"
        }
        return "<tr class=\"\(kind)\" data-entity=\"\(Self.escape(entity))\"><td>\(label)</td>\(cells.joined())</tr>"
    }

    /// Stacked bars of inserted, updated and deleted rows per entity, scaled to the largest.
    private var chart: String {
        let entities = contents.manifest.entities
        let widest = max(1, entities.map(\.counts.changed).max() ?? 1)
        let barWidth = 520.0, rowHeight = 26, labelWidth = 150.0
        var parts: [String] = []
        for (index, entity) in entities.enumerated() {
            let y = index * rowHeight + 4
            var x = labelWidth
            parts.append("<text x=\"0\" y=\"\(y + 15)\">\(Self.escape(entity.name))</text>")
            for (kind, count) in [
                ("inserted", entity.counts.inserted), ("updated", entity.counts.updated),
                ("deleted", entity.counts.deleted)
            ] where count > 0 {
                let width = barWidth * Double(count) / Double(widest)
                parts.append(
                    "<rect class=\"\(kind)\" x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"18\"><title>\(kind): \(count)</title></rect>"
                )
                x += width
            }
            parts.append("<text x=\"\(x + 6)\" y=\"\(y + 15)\">\(entity.counts.changed)</text>")
        }
        let height = entities.count * rowHeight + 8
        return """
            <figure><svg id="chart" role="img" aria-label="changes per entity" width="\(Int(labelWidth + barWidth) + 60)" height="\(height)">\(parts.joined())</svg>
            <figcaption><span class="key inserted"></span>inserted <span class="key updated"></span>updated <span class="key deleted"></span>deleted</figcaption></figure>
            """
    }

    private var findings: String {
        guard let validation = contents.validation, validation.total > 0 else {
            return "<p id=\"findings-none\">No findings.</p>"
        }
        let rows = validation.findings.map {
            [$0.severity.rawValue, $0.entity, $0.place, $0.value ?? "", $0.reason].map(Self.escape)
        }
        let omitted = validation.omitted > 0 ? "<p>\(validation.omitted) more not listed.</p>" : ""
        return "<p>\(validation.total) finding(s).</p>"
            + table(id: "findings", header: ["severity", "entity", "place", "value", "reason"], rows: rows) + omitted
    }

    private var changes: String {
        var rows: [String] = []
        var notes: [String] = []
        for entity in contents.manifest.entities {
            let (listed, total) = contents.changeCount(entity)
            notes.append("\(Self.escape(entity.name)): \(listed) of \(total) listed")
            for change in contents.changes[entity.name] ?? [] {
                let fields = change.fields.map { field -> String in
                    let before = change.before?[field].map { "<del>\(Self.escape($0.description))</del>" } ?? ""
                    let after = change.after?[field].map { "<ins>\(Self.escape($0.description))</ins>" } ?? ""
                    let arrow = change.op == .update ? " → " : ""
                    return "<div><b>\(Self.escape(field))</b> \(before)\(arrow)\(after)</div>"
                }
                rows.append(
                    "<tr class=\"\(change.op.rawValue)\"><td>\(Self.escape(entity.name))</td><td>\(change.op.rawValue)</td>"
                        + "<td>\(Self.escape(change.keyText(order: entity.key)))</td><td>\(fields.joined())</td></tr>")
            }
        }
        return """
            <p>\(notes.joined(separator: "; ")) (every change is in changes/ENTITY.ndjson).</p>
            <input id="search" type="search" placeholder="Search changes" aria-label="Search changes">
            <table id="changes"><thead><tr><th>entity</th><th>change</th><th>key</th><th>fields (before → after)</th></tr></thead>
            <tbody>\(rows.joined(separator: "\n"))</tbody></table>
            """
    }

    private func table(id: String, header: [String], rows: [[String]]) -> String {
        let head = header.map { "<th>\($0)</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return "<table id=\"\(id)\"><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table>"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    private static let style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1d2330;max-width:1200px}
        table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #d5d9e0;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f1f3f6}td.num{text-align:right;font-variant-numeric:tabular-nums}tr.category td:first-child{padding-left:2em}
        .sub{color:#667}del{background:#fde2e1;text-decoration:line-through}ins{background:#dcf5e3;text-decoration:none}
        tr.insert td:nth-child(2){color:#17803d}tr.update td:nth-child(2){color:#a15c00}tr.delete td:nth-child(2){color:#b42318}
        rect.inserted,.key.inserted{fill:#2f9e58;background:#2f9e58}rect.updated,.key.updated{fill:#e0a100;background:#e0a100}
        rect.deleted,.key.deleted{fill:#d64541;background:#d64541}.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
        #search{padding:4px 8px;width:24em;margin-bottom:.5em}td{white-space:pre-wrap}
        """

    private static let script = """
        document.getElementById('search').addEventListener('input', function (event) {
          var needle = event.target.value.toLowerCase();
          document.querySelectorAll('#changes tbody tr').forEach(function (row) {
            row.hidden = needle !== '' && row.textContent.toLowerCase().indexOf(needle) < 0;
          });
        });
        """
}
