import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation

/// `report.html`: one self-contained page for a reviewer's browser. Styles, the chart (inline
/// SVG), the changes (as JSON data) and the script that filters and pages them are inside the
/// page, and its Content-Security-Policy forbids every fetch, so opening it sends nothing
/// anywhere. The bundle's own page is written before anyone reviewed it; `airlock show
/// --html` writes it again with the signatures and approvals the file holds (`review`).
struct HTMLReport {
    let contents: BundleContents
    /// Who signed and approved, and whether that meets the policy; nil on the page a bundle
    /// carries, which is written before any review.
    var review: Review? = nil

    /// What `airlock show --html` knows that the producer did not.
    struct Review {
        var signatures: [BundleSummary.Signature]
        var approvals: ApprovalStatus
    }

    /// Changes of each kind (insert, update, delete) of each entity the page carries; the
    /// change files hold them all. The bundle's own page carries the first
    /// `carriedInBundle` of each kind, so that a bundle carries its changes once, in its
    /// change files (v2 of the 1M-row benchmark: all 20,000 changes were 176 kB of a
    /// 481 kB bundle, in the page a second time); `airlock show --html` writes a page with up
    /// to `carriedByShow` of each kind.
    var carried = Self.carriedInBundle
    static let carriedInBundle = 1_000
    static let carriedByShow = 100_000

    /// Changes the page shows at once.
    static let pageSize = 100

    /// Writes the page to `url`. The changes' data goes from the change files to the page a
    /// line at a time: a page of 100,000 changes held whole, in the copies its text takes on
    /// the way, was the run's peak (150 MB for a drop of 1,000,000 products, against 62 MB at
    /// 10,000).
    func write(to url: URL) throws {
        let out = try ScriptWriter(path: url)
        try out.write(head)
        try writeChangesData(out)
        try out.write("</script>\n<script>\(Self.script)</script>\n</body></html>\n")
        try out.close()
    }

    /// The page up to the changes' data, which `write(to:)` streams after it.
    private var head: String {
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
            \(schemaChanges)
            <h2>Signatures and approvals</h2>
            \(signatures)
            <h2>Sources</h2>
            \(table(id: "sources", header: contents.sources.header, rows: contents.sources.rows.map { $0.map(Self.escape) }))
            <h2>Changes by entity</h2>
            \(breakdownTable)
            \(chart)
            \(limits)
            <h2>Overrides</h2>
            \(overrides)
            <h2>Validation</h2>
            \(findings)
            <h2>Field-level changes</h2>
            \(changesHead)
            """
    }

    private var breakdownTable: String {
        let entities = contents.manifest.entities.map { ($0, Breakdown($0)) }
        let columns = Breakdown.columns(for: entities.flatMap { [$0.1] + $0.1.categories })
        var rows: [String] = []
        for (entity, breakdown) in entities {
            rows.append(
                breakdownRow(breakdown, columns, entity: entity.name, label: Self.escape(entity.name), kind: "entity"))
            for category in breakdown.categories {
                let label =
                    "<span class=\"sub\">\(Self.escape(entity.category ?? "")) =</span> \(Self.escape(category.label))"
                rows.append(breakdownRow(category, columns, entity: entity.name, label: label, kind: "category"))
            }
        }
        let header = (["entity"] + columns.map(\.rawValue)).map { "<th>\($0)</th>" }.joined()
        return
            "<table id=\"breakdown\"><thead><tr>\(header)</tr></thead><tbody>\(rows.joined(separator: "\n"))</tbody></table>"
    }

    /// Counts sit in `data-count` so a page check can read them without parsing the text.
    private func breakdownRow(
        _ line: Breakdown, _ columns: [Breakdown.Column], entity: String, label: String, kind: String
    ) -> String {
        let cells = columns.map { column in
            "<td class=\"num\" data-column=\"\(column.rawValue)\" data-count=\"\(line.value(column).map(String.init) ?? "")\">\(Self.escape(line.cell(column)))</td>"
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
        // A finding's key is a button that shows that key's change (the script disables it
        // where the bundle makes none: a held-back record's key keeps its baseline row).
        let rows = validation.findings.map { finding in
            let key = finding.key.map { key in
                "<button type=\"button\" class=\"finding-key\" data-entity=\"\(Self.escape(finding.entity))\" data-key=\"\(Self.escape(key))\">\(Self.escape(key))</button>"
            }
            return [finding.severity.rawValue, finding.entity, finding.place].map(Self.escape) + [key ?? ""]
                + [finding.value ?? "", finding.reason].map(Self.escape)
        }
        let omitted = validation.omitted > 0 ? "<p>\(validation.omitted) more not listed.</p>" : ""
        return "<p>\(validation.total) finding(s).</p>"
            + table(id: "findings", header: ["severity", "entity", "place", "key", "value", "reason"], rows: rows)
            + omitted
    }

    /// The bundle's changes to the targets' tables, with their DDL, before anything else.
    private var schemaChanges: String {
        let schema = contents.schemaChanges
        guard !schema.rows.isEmpty else { return "" }
        return "<h2>Schema changes</h2><p>\(BundleContents.schemaChangesNote)</p>"
            + table(id: "schema-changes", header: schema.header, rows: schema.rows.map { $0.map(Self.escape) })
    }

    /// The limits each entity's drop was held to and what the bundle did against them.
    private var limits: String {
        let lines = contents.limitLines
        guard !lines.isEmpty else { return "" }
        return "<h2>Limits</h2>"
            + table(
                id: "limits", header: ["entity", "limit", "this bundle"],
                rows: lines.map { [$0.entity, $0.limit, $0.bundle].map(Self.escape) })
    }

    /// What the spec's overrides did to what the sources reported.
    private var overrides: String {
        let lines = contents.overrideLines
        guard !lines.isEmpty else { return "<p id=\"overrides-none\">The spec overrides nothing.</p>" }
        let rows = lines.map { line in
            [line.entity, line.when, line.sets, line.note, String(line.rows), line.examples.joined(separator: "\n")]
                .map(Self.escape)
        }
        return table(
            id: "overrides", header: ["entity", "when", "sets", "why", "rows changed", "examples (source → set)"],
            rows: rows)
    }

    /// The policy, and with `review` every signature and whether the approvals meet it.
    private var signatures: String {
        var out = "<p id=\"policy\">Approvals: \(Self.escape(contents.policyText)).</p>"
        guard let review else {
            return out
                + "<p id=\"approvals\" data-met=\"\">This page was written with the bundle, before anyone reviewed it: "
                + "<code>airlock show BUNDLE</code> (or <code>show --html FILE</code>) lists the approvals the file holds.</p>"
        }
        let rows = review.signatures.map { signature in
            [
                signature.role.rawValue, signature.name, signature.valid ? "counts" : "not counted",
                signature.fingerprint ?? "", signature.recorded ?? "", signature.reason ?? ""
            ].map(Self.escape)
        }
        out += table(id: "signatures", header: ["role", "name", "counts", "fingerprint", "added", "reason"], rows: rows)
        let status = review.approvals
        out +=
            "<p id=\"approvals\" data-met=\"\(status.isMet)\">\(Self.escape(status.line)), \(status.isMet ? "met" : "not yet met")</p>"
        return out
    }

    /// The changes' filters and table, and the start of their data (`#changes-data`), which
    /// the page's script shows a page at a time.
    private var changesHead: String {
        let entities = contents.manifest.entities
        let notes = entities.map { entity in
            "\(Self.escape(entity.name)): \(carriedCount(of: entity)) of \(entity.counts.changed)"
        }
        let partial =
            entities.allSatisfy { carriedCount(of: $0) == $0.counts.changed }
            ? ""
            : " This page carries the first \(carried) changes of each kind (insert, update, delete) of each entity"
                + (carried < Self.carriedByShow
                    ? "; <code>airlock show BUNDLE --html FILE</code> writes one with up to \(Self.carriedByShow)."
                    : ".")
        let files = entities.map { Self.escape(BundleLayout.changes(of: $0.name)) }.joined(separator: ", ")
        let options = entities.map { "<option>\(Self.escape($0.name))</option>" }.joined()
        return """
            <p id="carried">Changes carried: \(notes.joined(separator: "; ")) (every change is in \(files)).\(partial)</p>
            <div id="filters"><select id="entity-filter" aria-label="Entity"><option value="">every entity</option>\(options)</select>
            <select id="op-filter" aria-label="Change"><option value="">every change</option><option>insert</option><option>update</option><option>delete</option></select>
            <input id="search" type="search" placeholder="Search changes" aria-label="Search changes">
            <button id="previous" type="button">previous</button> <span id="position"></span> <button id="next" type="button">next</button></div>
            <table id="changes"><thead><tr><th>entity</th><th>change</th><th>key</th><th>fields (before → after)</th></tr></thead>
            <tbody></tbody></table>
            <script type="application/json" id="changes-data">
            """
    }

    /// How many of `entity`'s changes the page carries.
    private func carriedCount(of entity: Manifest.Entity) -> Int {
        BundleContents.carried(of: entity, limit: carried).values.reduce(0, +)
    }

    /// The changes as data: per entity its key, whether the page carries all its changes, and
    /// up to `carried` lines of each kind of its change file, each written as it is read.
    private func writeChangesData(_ out: ScriptWriter) throws {
        try out.write("[")
        for (index, entity) in contents.manifest.entities.enumerated() {
            if index > 0 { try out.write(",") }
            let complete = carriedCount(of: entity) == entity.counts.changed
            let head =
                Array("{\"entity\":".utf8) + (try CanonicalJSON.compact(entity.name)) + Array(",\"key\":".utf8)
                + (try CanonicalJSON.compact(entity.key)) + Array(",\"complete\":\(complete),\"changes\":[".utf8)
            try out.write(Self.scriptSafe(head))
            var first = true
            try contents.forEachChangeLine(of: entity, limit: carried) { line in
                if !first { try out.write(",") }
                first = false
                try out.write(Self.scriptSafe(line))
            }
            try out.write("]}")
        }
        try out.write("]")
    }

    /// JSON text that cannot end its `<script>` element: every `<` (which JSON holds only in
    /// strings) written as `\u003c`.
    private static func scriptSafe(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count)
        for byte in json {
            if byte == UInt8(ascii: "<") { out += Array("\\u003c".utf8) } else { out.append(byte) }
        }
        return out
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

    /// Reads the changes once, keeps a lower-case text of each for the search, and shows the
    /// matching ones `pageSize` at a time. Cells are filled with textContent, never as markup.
    private static let script = """
        (function () {
          var entities = JSON.parse(document.getElementById('changes-data').textContent);
          var all = [], complete = Object.create(null);
          entities.forEach(function (entity) {
            complete[entity.entity] = entity.complete;
            entity.changes.forEach(function (change) {
              var keyOnly = entity.key.map(function (k) { return k + '=' + show(change.key[k]); }).join(', ');
              var quoted = entity.key.map(function (k) { return k + '=' + quote(change.key[k]); }).join(', ');
              var key = keyOnly
                + (change.context ? ' (' + Object.keys(change.context).sort().map(function (k) { return k + ': ' + show(change.context[k]); }).join(', ') + ')' : '');
              var fields = Object.keys(Object.assign({}, change.before || {}, change.after || {})).sort();
              all.push({entity: entity.entity, op: change.op, key: key, keys: [keyOnly, quoted], change: change, fields: fields,
                        text: (entity.entity + ' ' + change.op + ' ' + key + ' ' + JSON.stringify(change.before || {}) + ' '
                               + JSON.stringify(change.after || {})).toLowerCase()});
            });
          });
          function show(value) { return value === null || value === undefined ? 'NULL' : String(value); }
          // As findings name a key: text quoted as SQL quotes it, numbers bare.
          function quote(value) { return typeof value === 'string' ? "'" + value.replace(/'/g, "''") + "'" : show(value); }
          var exact = null;
          function names(item, wanted) { return item.entity === wanted.entity && item.keys.indexOf(wanted.key) >= 0; }
          var page = 0, pageSize = \(pageSize), shown = all;
          var body = document.querySelector('#changes tbody');
          function cell(row, text) { var td = document.createElement('td'); td.textContent = text; row.appendChild(td); return td; }
          function draw() {
            body.textContent = '';
            var start = page * pageSize, end = Math.min(start + pageSize, shown.length);
            for (var i = start; i < end; i++) {
              var item = shown[i], row = document.createElement('tr');
              row.className = item.op;
              row.dataset.entity = item.entity;
              cell(row, item.entity); cell(row, item.op); cell(row, item.key);
              var fields = cell(row, '');
              item.fields.forEach(function (field) {
                var line = document.createElement('div'), name = document.createElement('b');
                name.textContent = field; line.appendChild(name); line.appendChild(document.createTextNode(' '));
                if (item.change.before && field in item.change.before) {
                  var was = document.createElement('del'); was.textContent = show(item.change.before[field]); line.appendChild(was);
                }
                if (item.op === 'update') { line.appendChild(document.createTextNode(' → ')); }
                if (item.change.after && field in item.change.after) {
                  var now = document.createElement('ins'); now.textContent = show(item.change.after[field]); line.appendChild(now);
                }
                fields.appendChild(line);
              });
              body.appendChild(row);
            }
            document.getElementById('position').textContent =
              shown.length === 0 ? 'no changes match' : (start + 1) + '–' + end + ' of ' + shown.length;
            document.getElementById('previous').disabled = page === 0;
            document.getElementById('next').disabled = end >= shown.length;
          }
          function filter() {
            var entity = document.getElementById('entity-filter').value, op = document.getElementById('op-filter').value;
            var needle = document.getElementById('search').value.toLowerCase();
            shown = all.filter(function (item) {
              return (entity === '' || item.entity === entity) && (op === '' || item.op === op)
                && (needle === '' || item.text.indexOf(needle) >= 0) && (exact === null || names(item, exact));
            });
            page = 0;
            draw();
          }
          function refilter() { exact = null; filter(); }
          ['entity-filter', 'op-filter'].forEach(function (id) { document.getElementById(id).addEventListener('change', refilter); });
          document.getElementById('search').addEventListener('input', refilter);
          document.querySelectorAll('#findings button.finding-key').forEach(function (button) {
            var wanted = {entity: button.dataset.entity, key: button.dataset.key};
            if (!all.some(function (item) { return names(item, wanted); })) {
              button.disabled = true;
              button.title = complete[wanted.entity] === false
                ? 'this page carries no change to this key, but only some of the changes: changes/' + wanted.entity + '.ndjson lists them all'
                : 'this bundle makes no change to this key';
              return;
            }
            button.addEventListener('click', function () {
              document.getElementById('entity-filter').value = wanted.entity;
              document.getElementById('op-filter').value = '';
              document.getElementById('search').value = '';
              exact = wanted;
              filter();
              document.getElementById('changes').scrollIntoView();
            });
          });
          document.getElementById('previous').addEventListener('click', function () { if (page > 0) { page--; draw(); } });
          document.getElementById('next').addEventListener('click', function () {
            if ((page + 1) * pageSize < shown.length) { page++; draw(); }
          });
          draw();
        })();
        """
}
